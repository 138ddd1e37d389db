"""Times the dearest requests the cost limit admits, alone and as 8 concurrent copies beside
a one-row lookup, against a running treatygraph server. See BENCHMARKS.md, "Hostile requests".

Usage: python3 cmd/load/hostile_requests.py http://127.0.0.1:8080/graphql
"""
import json, sys, time, threading, urllib.request, base64, statistics
URL = sys.argv[1]
def post(q):
    req = urllib.request.Request(URL, data=json.dumps({"query": q}).encode(), headers={"Content-Type": "application/json"})
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
    except urllib.error.HTTPError as e:
        body = e.read()
    return time.time() - t, json.loads(body)
def b64(s): return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
A, S = b64("State:armenia"), b64("State:serbia")
shapes = {
  "events filter totalCount": lambda i: 'events(filter: {title: {contains: "zz%d"}}) { totalCount }' % i,
  "search a first 100": lambda i: 'search(text: "a", first: 100) { field }',
  "neighborhood 3/1000": lambda i: 'neighborhood(id: "%s", depth: 3, maxNodes: 1000) { truncated nodes { id } }' % A,
  "path 6 hops": lambda i: 'path(from: "%s", to: "%s", maxHops: 6) { length }' % (A, S),
}
lookup = '{ state(slug: "armenia") { name } }'
for name, f in shapes.items():
    _, one = post("{ a0: %s }" % f(0))
    c1 = one["extensions"]["cost"]["requestedQueryCost"]
    n = max(1, min(100, 100000 // c1))
    q = "{ " + " ".join("a%d: %s" % (i, f(i)) for i in range(n)) + " }"
    while True:
        _, r = post(q)
        if not any(e.get("extensions", {}).get("code") == "COMPLEXITY_LIMIT_EXCEEDED" for e in r.get("errors", [])): break
        n -= 1; q = "{ " + " ".join("a%d: %s" % (i, f(i)) for i in range(n)) + " }"
    cost = r["extensions"]["cost"]["requestedQueryCost"]
    alone = [post(q)[0] for _ in range(3)]
    # 8 concurrent copies, and one-row lookups meanwhile
    stop = False; lat = []; errs = []
    def heavy():
        while not stop:
            d, r = post(q)
            for e in r.get("errors", []): errs.append(e.get("extensions", {}).get("code"))
    ts = [threading.Thread(target=heavy) for _ in range(8)]
    for t in ts: t.start()
    time.sleep(0.5)
    for _ in range(20):
        d, r = post(lookup); lat.append(d)
    stop = True
    for t in ts: t.join()
    print("%-26s aliases=%3d cost=%6d alone median %.2fs | 8 copies: lookup p50 %.0f ms max %.0f ms, heavy errors %s" % (
        name, n, cost, statistics.median(alone), 1000*statistics.median(lat), 1000*max(lat), sorted(set(errs))))
    sys.stdout.flush()
