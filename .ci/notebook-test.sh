#!/usr/bin/env bash
# notebook-test.sh: examples/notebook.py works against a live server.
#
# It builds treatygraph, starts it on 127.0.0.1 on a free port, runs the notebook with the
# URL as an argument and again from TREATYGRAPH_URL, and checks what it prints and the CSV
# it writes against what the server itself says about the CSTO. Then it checks the exports
# for notebooks (/export/memberships.csv, /export/graph.json) on the same server. It needs
# only Go and Python 3 (standard library). Bounded: every step has a timeout, and the
# server is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/treatygraph-notebook-test.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

python3 --version
echo "notebook-test: building treatygraph"
timeout 300 go build -o "$work/treatygraph" .

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/treatygraph" serve -addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for i in $(seq 1 300); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		break
	fi
	if ! kill -0 "$server" 2>/dev/null || [ "$i" = 300 ]; then
		cat "$work/server.log" >&2
		echo "notebook-test: the server did not start listening in 30s" >&2
		exit 1
	fi
	sleep 0.1
done
url=http://127.0.0.1:$port/graphql
echo "notebook-test: server at $url"

# The notebook writes its CSV into the current directory by default: run it in $work.
(cd "$work" && timeout 60 python3 "$root/examples/notebook.py" "$url") >"$work/out.txt"
(cd "$work" && TREATYGRAPH_URL=$url timeout 60 python3 "$root/examples/notebook.py" --csv env.csv) >"$work/env.txt"
cat "$work/out.txt"

# A server that is not there is a clear error and exit status 1, not a traceback.
status=0
timeout 60 python3 "$root/examples/notebook.py" "http://127.0.0.1:1/graphql" --csv "$work/none.csv" \
	>/dev/null 2>"$work/err.txt" || status=$?

timeout 60 python3 - "$url" "$work" "$status" <<'PY'
import csv, json, sys, urllib.error, urllib.request

url, work, dead_status = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = []

def check(cond, what):
    print(("  ok " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)

# What the server says, asked independently of the notebook.
q = '{ organization(acronym: "CSTO") { members { member { name } start { iso } } } }'
req = urllib.request.Request(url, data=json.dumps({"query": q}).encode(),
                             headers={"Content-Type": "application/json"})
members = json.load(urllib.request.urlopen(req, timeout=30))["data"]["organization"]["members"]
expected = len(members)

out = open(f"{work}/out.txt", encoding="utf-8").read()
lines = out.splitlines()
header_at = next((i for i, l in enumerate(lines) if l.startswith("Member ")), None)
check(header_at is not None, "the table has a header line")
for heading in ["Member", "Role", "Start", "End", "End reason", "Footnotes"]:
    check(header_at is not None and heading in lines[header_at], f"the table has a {heading!r} column")
rows = [l for l in lines[header_at + 2:] if l.strip() and not l.startswith("wrote ")] if header_at is not None else []
table_rows = [l for l in rows if not l.lstrip()[:4].isdigit()]  # the last line is the year scale
check(len(table_rows) == expected, f"the table has {expected} rows, one per stint (got {len(table_rows)})")
uz = [l for l in table_rows if l.startswith("Uzbekistan ")]
check(len(uz) == 2, f"Uzbekistan appears twice in the table (got {len(uz)})")
check(any("2006-06-23" in l and "2012-06-28" in l and "SUSPENDED" in l for l in uz),
      "the table shows Uzbekistan's second stint with its dates and end reason")
check(f"wrote {expected} rows to csto_memberships.csv" in out, "the notebook says where it wrote the CSV")

want_header = ["member", "role", "start", "end", "end_reason", "footnotes",
               "member_type", "section", "note", "membership_id"]
for name in ["csto_memberships.csv", "env.csv"]:
    with open(f"{work}/{name}", newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    check(records and records[0] == want_header, f"{name} has the header {','.join(want_header)}")
    check(len(records) == 1 + expected, f"{name} has {expected} data rows (got {len(records) - 1})")
    check(all(len(r) == len(want_header) for r in records), f"{name} rows all have {len(want_header)} fields")
    data = [dict(zip(records[0], r)) for r in records[1:]]
    second = [r for r in data if r["member"] == "Uzbekistan" and r["start"] == "2006-06-23"]
    check(len(second) == 1 and second[0]["end"] == "2012-06-28" and second[0]["end_reason"] == "SUSPENDED"
          and second[0]["footnotes"] == "8", f"{name} holds Uzbekistan's second stint with footnote 8")
    check(sorted(r["member"] for r in data) == sorted(m["member"]["name"] for m in members),
          f"{name} lists the members the server lists")

# The exports for notebooks, from the same server: the CSV agrees with GraphQL, and the
# graph is in the node-link form (unique node ids, every link between two nodes).
base = url.rsplit("/graphql", 1)[0]
with urllib.request.urlopen(f"{base}/export/memberships.csv", timeout=30) as resp:
    check(resp.headers.get("Content-Type", "").startswith("text/csv"), "/export/memberships.csv is text/csv")
    exported = list(csv.DictReader(resp.read().decode("utf-8").splitlines()))
csto = [r for r in exported if r["organization"] == "csto"]
check(len(csto) == expected, f"/export/memberships.csv has the {expected} CSTO stints (got {len(csto)})")
with urllib.request.urlopen(f"{base}/export/graph.json", timeout=30) as resp:
    graph = json.load(resp)
ids = [n["id"] for n in graph["nodes"]]
check(len(ids) == len(set(ids)) and ids, f"/export/graph.json has {len(ids)} nodes with unique ids")
check(all(l["source"] in set(ids) and l["target"] in set(ids) for l in graph["links"]),
      f"every one of its {len(graph['links'])} links joins two of its nodes")
check("edges" not in graph, "/export/graph.json lists its links once, under links")
check(all(l["fact"] for l in graph["links"]), "every link names the fact that states it")
with urllib.request.urlopen(f"{base}/export/graph.json?links=edges", timeout=30) as resp:
    check(json.load(resp)["edges"] == graph["links"], "/export/graph.json?links=edges lists the same links under edges")
try:
    urllib.request.urlopen(f"{base}/export/people.csv", timeout=30)
    check(False, "/export/people.csv is 404")
except urllib.error.HTTPError as e:
    check(e.code == 404 and "/export/memberships.csv" in e.read().decode(), "an unknown export is a 404 naming the exports")

err = open(f"{work}/err.txt", encoding="utf-8").read()
check(dead_status == 1 and err.startswith("notebook: ") and "Traceback" not in err,
      "an unreachable server gives a one-line error and exit status 1")

if failures:
    print(f"notebook-test: {len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("notebook-test: passed")
PY
