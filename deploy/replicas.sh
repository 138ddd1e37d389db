#!/usr/bin/env bash
# Runs treatygraph as stateless replicas of one snapshot behind nginx on loopback, and measures
# the throughput of canonical GET queries answered by nginx's cache against the same queries
# answered by the replicas. Prints a Markdown table, the one in BENCHMARKS.md ("Behind nginx").
#
#   deploy/replicas.sh            # 3 replicas, 16 clients, 5 s per row
#   REPLICAS=2 CLIENTS=32 DURATION=10s deploy/replicas.sh
#   KEEP=1 deploy/replicas.sh     # leave everything running after measuring, until Ctrl-C
#
# The replicas keep no whole answers (-response-cache-bytes 0): the requests repeat, and the
# rows of the replicas ("directly", POST through nginx) are to measure execution, not a replica
# sending an answer it kept. REPLICA_FLAGS replaces those flags; REPLICA_FLAGS= (empty) runs the
# replicas with serve's defaults, kept answers included.
#
# Environment: REPLICAS (3), CLIENTS (16), DURATION (5s), MAX_AGE (the replicas' -cache-max-age,
# 1s), REPLICA_FLAGS (more serve flags; default -response-cache-bytes 0), DB (a database written
# by `treatygraph build`; default: one built from the embedded seeds), NGINX (the nginx binary; default: nginx on PATH, else /usr/sbin/nginx).
# Needs: go, curl, nginx (Debian: apt-get install nginx). Runs as any user; everything it writes
# is under one temporary directory, removed on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
replicas="${REPLICAS:-3}"
clients="${CLIENTS:-16}"
duration="${DURATION:-5s}"
max_age="${MAX_AGE:-1s}"
read -r -a replica_flags <<<"${REPLICA_FLAGS--response-cache-bytes 0}"
nginx="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[[ -x "$nginx" ]] || { echo "replicas.sh: no nginx (install Debian's: apt-get install nginx)" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/treatygraph-replicas.XXXXXX")"
pids=()
nginx_pid=""
cleanup() {
	if [[ -n "$nginx_pid" ]]; then
		kill -QUIT "$nginx_pid" 2>/dev/null || true
		wait "$nginx_pid" 2>/dev/null || true
	fi
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }

# free_port prints a loopback port nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# wait_ok URL PID: until URL answers 200, for at most 30 s, while PID runs.
wait_ok() {
	local i
	for i in $(seq 1 150); do
		curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

urlencode() {
	local LC_ALL=C s="$1" out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c="${s:i:1}"
		case "$c" in
		[a-zA-Z0-9.~_-]) out+="$c" ;;
		*) out+="$(printf '%%%02X' "'$c")" ;;
		esac
	done
	printf '%s' "$out"
}

log "building treatygraph and the load generator into $tmp"
(cd "$root" && go build -o "$tmp/treatygraph" . && go build -o "$tmp/loadgen" ./deploy/loadgen)
db="${DB:-}"
if [[ -z "$db" ]]; then
	"$tmp/treatygraph" build -o "$tmp/snapshot.db" >&2
	db="$tmp/snapshot.db"
fi

servers=""
replica_addrs=()
for i in $(seq 1 "$replicas"); do
	started=""
	for _ in 1 2 3; do # another port if the one chosen was taken meanwhile
		addr="127.0.0.1:$(free_port)"
		env -u PORT "$tmp/treatygraph" serve -db "$db" -addr "$addr" -cache-max-age "$max_age" \
			"${replica_flags[@]}" >"$tmp/replica$i.log" 2>&1 &
		pid=$!
		if wait_ok "http://$addr/readyz" "$pid"; then
			started=yes
			break
		fi
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[[ -n "$started" ]] || { cat "$tmp/replica$i.log" >&2; log "replica $i did not start"; exit 1; }
	pids+=("$pid")
	replica_addrs+=("$addr")
	servers+="server $addr max_fails=1 fail_timeout=2s; "
	log "replica $i: $addr (pid $pid)"
done

mkdir -p "$tmp/nginx/tmp"
listen="127.0.0.1:$(free_port)"
user_line=""
[[ "$(id -u)" == 0 ]] && user_line="user root;"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@LISTEN@|$listen|g" -e "s|@USER@|$user_line|g" \
	-e "s|@SERVERS@|$servers|g" "$root/deploy/nginx.conf" >"$tmp/nginx/nginx.conf"
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" -g 'daemon off;' \
	>"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
if ! wait_ok "http://$listen/healthz" "$nginx_pid"; then
	cat "$tmp/nginx/stdout.log" "$tmp/nginx/error.log" >&2 2>/dev/null || true
	log "nginx did not start"
	exit 1
fi
log "nginx $("$nginx" -v 2>&1 | sed 's|.*/||'): http://$listen (pid $nginx_pid)"

# The canonical queries (BENCHMARKS.md, "The canonical queries"), their arguments inline:
# lookup, two-hop, page, search and path, sent in turn; and three-hop, whose answer (130 kB on
# the seeds) costs more than the others together, alone.
light=(
	'{ node(id: "U3RhdGU6YXJtZW5pYQ") { id ... on State { slug name iso2 iso3 recognition } } }'
	'{ organization(acronym: "CSTO") { name members(at: "2005-06-01", roles: [MEMBER]) { role start { iso } end { iso } member { name ... on State { iso2 } } } } }'
	'{ events(involving: "U3RhdGU6a2F6YWtoc3Rhbg", first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { slug title kind date { iso } place { name } participants { name } } } }'
	'{ search(text: "kazakhstan", first: 10) { field snippet node { __typename ... on State { name } ... on Organization { name } ... on Event { title } } } }'
	'{ path(from: "U3RhdGU6c2VyYmlh", to: "U3RhdGU6a2F6YWtoc3Rhbg") { length edges { relation from { id } to { id } fact { __typename id } citations { number } } } }'
)
heavy=(
	'{ organization(slug: "csto") { name members { role member { name memberships { role start { iso } organization { name } citations { number title } } } citations { number title work } } } }'
)
urls() { # BASE QUERY...: the queries' GET URLs at BASE
	local base="$1" q
	shift
	for q in "$@"; do printf '%s/graphql?query=%s\n' "$base" "$(urlencode "$q")"; done
}
replica="http://${replica_addrs[0]}"
proxy="http://$listen"
mapfile -t direct_light < <(urls "$replica" "${light[@]}")
mapfile -t direct_heavy < <(urls "$replica" "${heavy[@]}")
mapfile -t proxy_light < <(urls "$proxy" "${light[@]}")
mapfile -t proxy_heavy < <(urls "$proxy" "${heavy[@]}")
all_pids="$nginx_pid,$(
	IFS=,
	echo "${pids[*]}"
)"

load() { "$tmp/loadgen" -c "$clients" -d "$duration" -clk-tck "$(getconf CLK_TCK)" "$@"; }

log "measuring: $clients clients, $duration per row after 1 s of warm-up"
echo
echo "$replicas replicas of one snapshot (-cache-max-age $max_age) behind nginx, on $(nproc) CPUs;"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
r1="${pids[0]}"
load -header -label "5 queries: GET, one replica directly" -pids "$r1" "${direct_light[@]}"
load -label "5 queries: POST through nginx to $replicas replicas (not cached)" -method POST -pids "$all_pids" "${proxy_light[@]}"
load -label "5 queries: GET through nginx (cached)" -pids "$all_pids" "${proxy_light[@]}"
load -label "three-hop: GET, one replica directly" -pids "$r1" "${direct_heavy[@]}"
load -label "three-hop: POST through nginx to $replicas replicas (not cached)" -method POST -pids "$all_pids" "${proxy_heavy[@]}"
load -label "three-hop: GET through nginx (cached)" -pids "$all_pids" "${proxy_heavy[@]}"
load -label "6 queries: If-None-Match, one replica directly (304)" -revalidate -pids "$r1" "${direct_light[@]}" "${direct_heavy[@]}"
load -label "6 queries: If-None-Match through nginx (304 from the cache)" -revalidate -pids "$all_pids" "${proxy_light[@]}" "${proxy_heavy[@]}"
echo
echo "Server CPU per request: processor time of the processes serving (the replica alone for"
echo "\"directly\"; nginx, its workers and all replicas for \"through nginx\") over the requests answered."
echo "Measured with: REPLICAS=$replicas CLIENTS=$clients DURATION=$duration MAX_AGE=$max_age REPLICA_FLAGS='${replica_flags[*]}' deploy/replicas.sh"
echo "(nginx $("$nginx" -v 2>&1 | sed 's|.*/||'), $(go version | cut -d' ' -f3), loadgen on the same CPUs)."

if [[ -n "${KEEP:-}" ]]; then
	log "running: nginx at http://$listen, replicas at ${replica_addrs[*]}; Ctrl-C stops them"
	wait "$nginx_pid"
fi
