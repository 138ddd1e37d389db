#!/usr/bin/env bash
# browser-test.sh: the GraphiQL page at / works with no internet.
#
# It installs what it needs (Debian's chromium when missing; playwright-core as pinned by
# .ci/package-lock.json, into a temporary directory), builds treatygraph, then, inside a
# network namespace of its own whose only interface is loopback, starts the server on
# 127.0.0.1 and drives headless Chromium through .ci/browser-test.mjs: open /, run the
# example queries from the editor with the explorer open, read the answers from the result
# pane; open /explore, type "uzb", pick Uzbekistan and check its card, timeline image and
# neighbourhood graph, re-centre on the CSTO by clicking its node, change depth and date, and
# open /explore?id=garbage; check that the graph is readable, for Uzbekistan at depths 1 and
# 2, the CSTO and the UN (about 200 neighbours): every drawn node labelled, no label under 9 px,
# outside the drawing or over another, a legend of kinds and relations, the list under the
# drawing naming every node the API returns and what is left out, a folded group opening with
# a click, and the same view drawn the same way twice; fail on any request to another host or
# any console error; then
# check CORS from a second origin, http://localhost:PORT, which the server is told to allow.
#
# Needs root, or unprivileged user namespaces, for `unshare --net`. Bounded: every step has
# a timeout, and the server and browser are stopped on exit.
#
# Environment:
#   BROWSER_TEST_SCREENSHOT=FILE  save a screenshot of the page after the run
#   BROWSER_TEST_EXPLORE_SCREENSHOT=FILE  where to save the screenshot of /explore showing
#                                 Uzbekistan ($TREATYGRAPH_ARTIFACTS/explore.png when that is
#                                 set, else ${TMPDIR:-/tmp}/treatygraph-explore.png)
#   BROWSER_TEST_DOCS=DIR         save the pictures of docs/ in DIR: the explore page on
#                                 Uzbekistan (explore.png), at depth 2, on the CSTO and the UN,
#                                 and the timelines of Russia and the UN
#   BROWSER_TEST_NO_NETNS=1       run on the host's network (only to debug the test itself)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

if [ "${1:-}" = "--inside" ]; then
	# Part two, inside the namespace: only loopback exists here.
	bin=$2 work=$3
	if [ -z "${BROWSER_TEST_NO_NETNS:-}" ]; then
		ip link set lo up
		if ip -o link show | grep -v ': lo:' | grep -q .; then
			echo "browser-test: an interface other than loopback exists in the namespace" >&2
			exit 1
		fi
		if ip route show | grep -q . || ip -6 route show | grep -v '^::1 ' | grep -q .; then
			echo "browser-test: a route other than loopback exists in the namespace" >&2
			exit 1
		fi
		if timeout 3 bash -c 'exec 3<>/dev/tcp/1.1.1.1/80' 2>/dev/null; then
			echo "browser-test: the namespace reaches the internet" >&2
			exit 1
		fi
		echo "browser-test: in a network namespace with loopback only: $(ip -o link show | cut -d: -f2 | tr -d ' ' | paste -sd,)"
	fi
	# A fresh namespace has every port free; on the host's network, ask the kernel for one.
	port=8080
	if [ -n "${BROWSER_TEST_NO_NETNS:-}" ]; then
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	fi
	url=http://127.0.0.1:$port/
	# A second origin (localhost) may call the API, for the CORS check.
	"$bin" serve -addr "127.0.0.1:$port" -cors-origins "http://localhost:$port" >"$work/server.log" 2>&1 &
	server=$!
	trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
	for i in $(seq 1 300); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			break
		fi
		if ! kill -0 "$server" 2>/dev/null || [ "$i" = 300 ]; then
			cat "$work/server.log" >&2
			echo "browser-test: the server did not start listening in 30s" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "browser-test: server at $url"
	status=0
	timeout -k 5 180 node "$root/.ci/browser-test.mjs" "$url" "$work/profile" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "browser-test: server log:" >&2
		tail -n 50 "$work/server.log" >&2
	fi
	exit "$status"
fi

start=$(date +%s)
step() { echo "browser-test: $* ($(($(date +%s) - start))s)"; }

if [ ! -x /usr/bin/chromium ]; then
	step "installing Debian's chromium"
	export DEBIAN_FRONTEND=noninteractive
	timeout 120 apt-get update -q
	timeout 300 apt-get install -y -q chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -n1
# The explore page shows names in every script the sources give, Chinese among them; without a
# font for it the screenshot shows boxes.
if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
	step "installing a Chinese font (fonts-wqy-zenhei)"
	export DEBIAN_FRONTEND=noninteractive
	timeout 120 apt-get update -q
	timeout 300 apt-get install -y -q fonts-wqy-zenhei >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/treatygraph-browser-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# playwright-core at the version .ci/package-lock.json pins, installed outside the tree.
step "installing playwright-core $(node -p 'require("./.ci/package-lock.json").packages["node_modules/playwright-core"].version')"
mkdir -p "$work/npm"
cp .ci/package.json .ci/package-lock.json "$work/npm/"
timeout 120 npm ci --prefix "$work/npm" --no-audit --no-fund --loglevel=error
export PLAYWRIGHT_PREFIX=$work/npm

step "building treatygraph"
timeout 300 go build -o "$work/treatygraph" .

if [ -z "${BROWSER_TEST_EXPLORE_SCREENSHOT:-}" ]; then
	if [ -n "${TREATYGRAPH_ARTIFACTS:-}" ]; then
		mkdir -p "$TREATYGRAPH_ARTIFACTS"
		BROWSER_TEST_EXPLORE_SCREENSHOT=$TREATYGRAPH_ARTIFACTS/explore.png
	else
		BROWSER_TEST_EXPLORE_SCREENSHOT=${TMPDIR:-/tmp}/treatygraph-explore.png
	fi
fi
export BROWSER_TEST_EXPLORE_SCREENSHOT

step "running the page in Chromium with only loopback"
if [ -n "${BROWSER_TEST_NO_NETNS:-}" ]; then
	echo "browser-test: BROWSER_TEST_NO_NETNS is set: running on the host's network" >&2
	"$0" --inside "$work/treatygraph" "$work"
else
	netns=(unshare --net --)
	[ "$(id -u)" = 0 ] || netns=(unshare --user --map-root-user --net --)
	if ! "${netns[@]}" true 2>"$work/unshare.err"; then
		echo "browser-test: cannot make a network namespace (${netns[*]}): $(cat "$work/unshare.err")" >&2
		echo "browser-test: run as root, or where user namespaces are allowed" >&2
		exit 1
	fi
	"${netns[@]}" "$0" --inside "$work/treatygraph" "$work"
fi
step "passed; the explore page's screenshot is in $BROWSER_TEST_EXPLORE_SCREENSHOT"
