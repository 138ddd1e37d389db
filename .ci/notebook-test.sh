#!/usr/bin/env bash
# notebook-test.sh: examples/treatygraph_client.py works against a live server.
#
# It builds treatygraph, starts it on 127.0.0.1 on a free port, runs the client from a
# directory outside the repository, with the URL as an argument and again from
# TREATYGRAPH_URL, and imports it there as the README says (PYTHONPATH, or sys.path), beside a
# module named notebook as Jupyter installs one, and checks what it prints and the CSV
# it writes against what the server itself says about the CSTO. Then it checks the exports
# for notebooks (/export/memberships.csv, /export/graph.json) on the same server, and the
# pictures: timeline_svg returns the server's SVG naming Uzbekistan's CSTO stints, and
# without networkx and matplotlib the drawing fails with a one-line message. The drawing
# itself (a PNG, the same neighbourhood as the API's) is checked with a Python that imports
# networkx and matplotlib; when none does, Debian's python3-networkx and python3-matplotlib
# are installed with apt-get (as root, bounded), and when that fails too the drawing checks
# are skipped with a notice. It needs only Go and Python 3 (standard library). Bounded:
# every step has a timeout, and the server is stopped on exit.
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

# The client writes its CSV into the current directory by default: run it in $work, outside
# the repository.
client=$root/examples/treatygraph_client.py
(cd "$work" && timeout 60 python3 "$client" "$url") >"$work/out.txt"
(cd "$work" && TREATYGRAPH_URL=$url timeout 60 python3 "$client" --csv env.csv) >"$work/env.txt"
cat "$work/out.txt"

# A server that is not there is a clear error and exit status 1, not a traceback.
status=0
timeout 60 python3 "$client" "http://127.0.0.1:1/graphql" --csv "$work/none.csv" \
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
# The article's two stints and the World Factbook's listing of 2015-2016.
check(len(uz) == 3, f"Uzbekistan appears three times in the table (got {len(uz)})")
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
check(dead_status == 1 and err.startswith("treatygraph_client: ") and "Traceback" not in err,
      "an unreachable server gives a one-line error and exit status 1")

if failures:
    print(f"notebook-test: {len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("notebook-test: the table, the CSV and the exports passed")
PY

# Imported as the README says, from a directory outside the repository, with a package named
# notebook (as Jupyter installs one) ahead of it on the path: the research helpers give the
# API's counts as flat rows, and the groupings of states.
mkdir -p "$work/site/notebook"
echo 'raise ImportError("this is the notebook package of Jupyter, not the client")' >"$work/site/notebook/__init__.py"
(cd "$work" && PYTHONPATH="$work/site:$root/examples" timeout 60 python3 - "$url" <<'PY'
import json, sys, urllib.request
import treatygraph_client as tg

url = sys.argv[1]
failures = []

def check(cond, what):
    print(("  ok " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)

def ask(q, variables=None):
    req = urllib.request.Request(url, data=json.dumps({"query": q, "variables": variables or {}}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))["data"]

check(tg.__file__.endswith("examples/treatygraph_client.py"), f"PYTHONPATH finds the client beside a notebook package ({tg.__file__})")
check(len(tg.POST_SOVIET_STATES) == 15, "POST_SOVIET_STATES holds fifteen slugs")
states = ask('query($s: [String!]) { states(first: 100, filter: {slug: {in: $s}}) { totalCount } }',
             {"s": list(tg.POST_SOVIET_STATES)})["states"]["totalCount"]
check(states == 15, f"each of them is a state of the graph (got {states})")

rows = tg.memberships_per_year(tg.POST_SOVIET_STATES, "1991", "2014", url=url)
check(len(rows) == 15 * 24 and {r["year"] for r in rows} == set(range(1991, 2015)),
      f"memberships_per_year gives a row per state and year, 1991 to 2014 (got {len(rows)})")
check(set(rows[0]) == {"year", "state", "iso3", "count", "unknown"}, f"its rows are flat: {sorted(rows[0])}")
russia = {r["year"]: r["count"] for r in rows if r["iso3"] == "RUS"}
api = ask('{ membershipCounts(groupBy: [YEAR, MEMBER], from: "1991", to: "2014", source: "cow-igo-v3", '
          'filter: {member: {eq: "russia"}, role: {eq: MEMBER}}) { year count } }')["membershipCounts"]
check(russia == {c["year"]: c["count"] for c in api} and russia[2014] > 0,
      "Russia's rows are the API's full memberships by COW, year by year")
anyrole = {r["year"]: r["count"] for r in tg.memberships_per_year(["russia"], "2014", "2014", roles=None, url=url)}
check(anyrole[2014] >= russia[2014], "roles=None counts every role")

founders = tg.founders("CSTO", source="csto-article", url=url)
article = ask('{ organization(acronym: "CSTO") { members(roles: [MEMBER], source: "csto-article") { member { slug } start { year } } } }')
first = min(m["start"]["year"] for m in article["organization"]["members"] if m["start"])
check(founders == sorted({m["member"]["slug"] for m in article["organization"]["members"]
                          if m["start"] and m["start"]["year"] == first}) and "russia" in founders,
      f"founders('CSTO') are the states whose stints the article starts in {first}: {founders}")
try:
    import pandas as pd
except ImportError:
    print("  (pandas is not installed here: the README's DataFrame lines are not run)")
else:
    df = pd.DataFrame(rows).pivot(index="year", columns="state", values="count")
    check(df.shape == (24, 15) and df.loc[2014, "Russia"] == russia[2014], "the README's pivot gives years by states")
if failures:
    print(f"notebook-test: {len(failures)} research check(s) failed", file=sys.stderr)
    sys.exit(1)
PY
)

# The pictures. First the timeline, with the standard library alone (-S leaves out site
# packages): the SVG the server draws, and parameters passed on to it.
(cd "$work" && timeout 60 python3 -S - "$root/examples" "$url" <<'PY'
import json, os, sys, urllib.request
sys.path.insert(0, sys.argv[1])
import treatygraph_client as notebook

url = sys.argv[2]
failures = []

def check(cond, what):
    print(("  ok " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)

# The article's two stints of Uzbekistan, as the article states them (the World Factbook adds a
# third, and moves the second's dates where the sources disagree).
q = '{ organization(acronym: "CSTO") { members(source: "csto-article") { member { name } start { iso } end { iso } } } }'
req = urllib.request.Request(url, data=json.dumps({"query": q}).encode(),
                             headers={"Content-Type": "application/json"})
members = json.load(urllib.request.urlopen(req, timeout=30))["data"]["organization"]["members"]
stints = [(m["start"]["iso"], m["end"]["iso"]) for m in members if m["member"]["name"] == "Uzbekistan"]
check(len(stints) == 2, f"the API gives Uzbekistan two CSTO stints (got {stints})")

svg = notebook.timeline_svg("state", "uzbekistan", url=url, source="csto-article")
check(svg.startswith("<svg") and svg.rstrip().endswith("</svg>"), "timeline_svg returns an SVG document")
check("<title>Uzbekistan: organizations</title>" in svg, "the SVG is Uzbekistan's timeline")
for start, end in stints:
    check(f"(CSTO): member, {start} to {end}" in svg, f"the SVG names the CSTO stint {start} to {end}")
check(os.path.exists("uzbekistan_timeline.svg") and open("uzbekistan_timeline.svg", encoding="utf-8").read() == svg,
      "outside IPython, timeline_svg writes the SVG to uzbekistan_timeline.svg")
at = notebook.timeline_svg("state", "uzbekistan", url=url.rsplit("/graphql", 1)[0], show=False,
                           at="2010", roles=["MEMBER"], source="csto-article")
check("(CSTO): member, 2006-06-23 to 2012-06-28" in at and "(CSTO): member, 1994 to 1999" not in at,
      "timeline_svg(..., at='2010') keeps the 2006 stint and leaves out the 1994 one")
early = notebook.timeline_svg("organization", "csto", url=url, show=False, from_="1990", to="1995")
check("Uzbekistan" in early and "Serbia" not in early, "from_ and to reach the server as from and to")
try:
    notebook.timeline_svg("state", "atlantis", url=url, show=False)
    check(False, "an unknown slug raises GraphQLError")
except notebook.GraphQLError as e:
    check("404" in str(e) and "atlantis" in str(e), "an unknown slug raises GraphQLError with the 404's message")
try:
    notebook.load_graph(url)
    check(False, "without networkx, load_graph raises MissingPackages")
except notebook.MissingPackages as e:
    check("python3-networkx" in str(e), "without networkx, load_graph says how to install it")
if failures:
    print(f"notebook-test: {len(failures)} timeline check(s) failed", file=sys.stderr)
    sys.exit(1)
PY
)

# The command line without networkx: the timeline is written, the drawing is a clear error.
status=0
timeout 60 python3 -S "$client" "$url" --pictures "$work/stdlib" >/dev/null 2>"$work/pictures-err.txt" || status=$?
if [ "$status" != 1 ] || grep -q Traceback "$work/pictures-err.txt" || ! grep -q "^treatygraph_client: drawing needs networkx" "$work/pictures-err.txt" \
	|| [ ! -s "$work/stdlib/uzbekistan-timeline.svg" ]; then
	cat "$work/pictures-err.txt" >&2
	echo "notebook-test: FAIL --pictures without networkx should write the timeline, then fail in one line with status 1 (got $status)" >&2
	exit 1
fi
echo "  ok --pictures without networkx writes the timeline and says in one line what the drawing needs"

# Then the drawing, with a Python that has networkx and matplotlib.
drawing_python() {
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null && timeout 60 "$py" -c 'import networkx, matplotlib' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}
py=$(drawing_python) || py=
if [ -z "$py" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "notebook-test: installing Debian's python3-networkx and python3-matplotlib"
	export DEBIAN_FRONTEND=noninteractive
	if ! timeout 300 apt-get install -y -q --no-install-recommends python3-networkx python3-matplotlib >"$work/apt.log" 2>&1; then
		timeout 120 apt-get update -q >>"$work/apt.log" 2>&1 || true
		timeout 300 apt-get install -y -q --no-install-recommends python3-networkx python3-matplotlib >>"$work/apt.log" 2>&1 || true
	fi
	py=$(drawing_python) || py=
fi
if [ -z "$py" ]; then
	tail -n 5 "$work/apt.log" 2>/dev/null || true
	echo "notebook-test: NOTICE: SKIPPED the drawing checks: no Python here imports networkx and matplotlib, and installing Debian's python3-networkx and python3-matplotlib did not give one"
	echo "notebook-test: passed (without the drawing checks)"
	exit 0
fi
echo "notebook-test: drawing with $py ($("$py" -c 'import networkx, matplotlib; print("networkx", networkx.__version__, "matplotlib", matplotlib.__version__)'))"

timeout 120 "$py" "$client" "$url" --pictures "$work/pictures" >"$work/pictures.txt"
cat "$work/pictures.txt"
(cd "$work" && timeout 120 "$py" - "$root/examples" "$url" "$work" <<'PY'
import json, os, struct, sys, urllib.request
sys.path.insert(0, sys.argv[1])
import treatygraph_client as notebook

url, work = sys.argv[2], sys.argv[3]
failures = []

def check(cond, what):
    print(("  ok " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)

def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])

out = open(f"{work}/pictures.txt", encoding="utf-8").read()
drawing = f"{work}/pictures/uzbekistan-neighborhood.png"
check(f"wrote {drawing}" in out, "--pictures says where it wrote the drawing")
size = png_size(drawing)
check(os.path.getsize(drawing) > 10000 and size is not None and min(size) >= 800,
      f"--pictures writes a PNG of at least 800 by 800 pixels (got {size}, {os.path.getsize(drawing)} bytes)")

# The neighbourhood drawn from /export/graph.json is the one the API's neighborhood query gives.
uz = "U3RhdGU6dXpiZWtpc3Rhbg"
G = notebook.load_graph(url)
for at in [None, "2010"]:
    q = "query($id: ID!, $at: Date) { neighborhood(id: $id, depth: 1, at: $at, maxNodes: 1000) { truncated nodes { id } } }"
    req = urllib.request.Request(url, data=json.dumps({"query": q, "variables": {"id": uz, "at": at}}).encode(),
                                 headers={"Content-Type": "application/json"})
    api = json.load(urllib.request.urlopen(req, timeout=30))["data"]["neighborhood"]
    H, centre = notebook.neighborhood(G, "uzbekistan", depth=1, at=at)
    check(centre == uz and not api["truncated"] and set(H) == {n["id"] for n in api["nodes"]},
          f"the neighbourhood at {at or 'any time'} has the API's {len(api['nodes'])} nodes (got {H.number_of_nodes()})")
path = notebook.draw_neighborhood(uz, 1, "2010", f"{work}/at2010.png", url=url)
check(path == f"{work}/at2010.png" and png_size(path) is not None and os.path.getsize(path) > 10000,
      "draw_neighborhood(id, 1, '2010', path) writes a non-empty PNG")
try:
    notebook.draw_neighborhood("atlantis", 1, None, f"{work}/none.png", graph=G)
    check(False, "an unknown node raises KeyError")
except KeyError as e:
    check("atlantis" in str(e) and not os.path.exists(f"{work}/none.png"), "an unknown node raises KeyError and draws nothing")
if failures:
    print(f"notebook-test: {len(failures)} drawing check(s) failed", file=sys.stderr)
    sys.exit(1)
PY
)
echo "notebook-test: passed, with the drawing checks"
