#!/usr/bin/env bash
# Where forward's upstream exchanges are lost at saturation: kdns `forward` alone in front of knotd
# (as in forward-compare.sh: dnsperf -c 4 -q 500, every name unique), with counters read before and
# after the run, and the differences printed:
#   kdns: UDP sends (connection-cache hits + misses, one per send) and forwarded queries; a send more
#         than the queries is a query sent again after its 2 s read timeout;
#   the kernel: drops of knotd's listening sockets (one per UDP worker, SO_REUSEPORT) and of kdns's
#         upstream sockets (/proc/net/udp), and the machine's UdpRcvbufErrors / UdpSndbufErrors;
#   knotd: the queries it received (mod-stats), forward's health checks included.
#   forward-drops.sh DIST [SECONDS]
# With DIST=dnsdist, dnsdist (no packet cache) forwards instead of kdns (it does not retry: a lost
# exchange is a query lost to dnsperf). Writes nothing under results/; every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: forward-drops.sh DIST|dnsdist [SECONDS]}
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-forward-drops
need() { command -v "$1" >/dev/null 2>&1 || { echo "missing $1 (build/install-test-deps.sh)" >&2; exit 1; }; }
for tool in knotd knotc dnsperf dig curl nstat python3; do need "$tool"; done

rport=$(free_port); fport=$(free_port); mport=$(free_port)
dir=$work/knot; mkdir -p "$dir"
upstream_zone
# start_knot_upstream's knotd, with a control socket and mod-stats for its request count.
cat > "$dir/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$rport
    rundir: $dir
    background-workers: 1
    udp-workers: 2
    tcp-workers: 1
control:
    listen: $dir/knot.sock
mod-stats:
  - id: default
    request-protocol: on
database:
    storage: $dir
log:
  - target: stderr
    any: error
template:
  - id: default
    global-module: mod-stats/default
zone:
  - domain: example.org
    file: $work/example.org.zone
CONF
knotd -c "$dir/knot.conf" > "$work/knot.log" 2>&1 &
rpid=$!; pids+=("$rpid")
if [ "$dist" = dnsdist ]; then
    need dnsdist
    start_dnsdist "$fport" "$rport"; fpid=$started
else
    [ -x "$dist/bin/kdns" ] || { echo "no kdns distribution at $dist (make dist)" >&2; exit 1; }
    printf '.:%s {\n    bind 127.0.0.1\n    prometheus 127.0.0.1:%s\n    forward . 127.0.0.1:%s\n}\n' \
        "$fport" "$mport" "$rport" > "$work/Corefile"
    "$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
    fpid=$!; pids+=("$fpid")
fi
wait_answer "$rport"; wait_answer "$fport"

awk 'BEGIN { for (i = 0; i < 300000; i++) printf "w%d.example.org A\n", i }' > "$work/warm"
awk -v n=$((secs * 150000)) 'BEGIN { for (i = 0; i < n; i++) printf "s%d.example.org A\n", i }' > "$work/queries"
dnsperf -s 127.0.0.1 -p "$fport" -d "$work/warm" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true

counters() { # file: one "name value" line per counter
    {
        nstat -asz UdpRcvbufErrors UdpSndbufErrors | awk '/^Udp/ {print $1, $2}'
        udp_drops "$rport" | awk '{print "knotd_socket_drops", $1; print "forwarder_socket_drops", $2}'
        knotc -s "$dir/knot.sock" stats 2>/dev/null | awk -F' = ' '/request-protocol\[udp4\]/ {print "knotd_received", $2}'
        [ "$dist" = dnsdist ] || curl -s "http://127.0.0.1:$mport/metrics" | awk '
            /^coredns_proxy_conn_cache_(hits|misses)_total\{.*proto="udp"/ {s += $NF}
            /^coredns_forward_requests_total\{/ {q += $NF}
            END {printf "kdns_udp_sends %d\nkdns_forwarded %d\n", s, q}'
    } > "$1"
}
counters "$work/before"
out=$(dnsperf -s 127.0.0.1 -p "$fport" -d "$work/queries" -l "$secs" -c 4 -q 500 2>&1)
counters "$work/after"

echo "## forward-only in front of knotd at saturation, $([ "$dist" = dnsdist ] && echo dnsdist || echo kdns): counters over ${secs}s"
echo "$out" | awk '/Queries per second/ {printf "queries/s %.0f\n", $4} /Queries lost/ {print "dnsperf lost", $3}
    /Average Latency/ {sub(/.*max /, ""); sub(/\)/, ""); print "dnsperf max latency s", $0}'
awk 'NR == FNR {b[$1] = $2; next} {d[$1] = $2 - b[$1]; print $1, d[$1]}
     END { if ("kdns_udp_sends" in d) print "kdns sends - forwarded (sent again after a timeout)", d["kdns_udp_sends"] - d["kdns_forwarded"] }' \
    "$work/before" "$work/after"
