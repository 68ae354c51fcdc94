#!/usr/bin/env bash
# CPU per query of whoami at a fixed rate, repeated and interleaved: kdns on the batched epoll
# transport and on the JDK's DatagramChannel (-Dkdns.udp.transport=nio), for one distribution or
# two (a change beside its baseline), and knotd, as dnsperf-compare.sh runs its whoami rows.
#   whoami-rounds.sh [-r ROUNDS] [-s SECONDS] [-q RATE] DIST [BASELINE_DIST]
# -q 0 runs at saturation (dnsperf as fast as it can) and adds the queries per second.
# Each round runs every server once, one after the other, under flock /tmp/kdns-maven.lock (one
# measurement at a time on the machine); the servers stay up between rounds. Prints one line per
# run: round, server, CPU seconds per 100k queries (utime+stime of /proc/PID/stat), the kernel's
# share of it, p50 / p99 ms, voluntary context switches per query. Writes nothing else.
set -euo pipefail
rounds=3 secs=10 rate=20000
while getopts r:s:q: o; do
    case $o in
        r) rounds=$OPTARG ;; s) secs=$OPTARG ;; q) rate=$OPTARG ;;
        *) echo "usage: whoami-rounds.sh [-r ROUNDS] [-s SECONDS] [-q RATE] DIST [BASELINE_DIST]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
dist=${1:?usage: whoami-rounds.sh [-r ROUNDS] [-s SECONDS] [-q RATE] DIST [BASELINE_DIST]}
base=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-whoami
lock=/tmp/kdns-maven.lock

names=() ports=() spids=()
start_kdns() { # name dist [java opts]
    local port
    port=$(free_port)
    printf '.:%s {\n    bind 127.0.0.1\n    whoami\n}\n' "$port" > "$work/Corefile.$1"
    KDNS_JAVA_OPTS=${3:-} "$2/bin/kdns" -conf "$work/Corefile.$1" -quiet > "$work/$1.log" 2>&1 &
    pids+=("$!"); names+=("$1"); ports+=("$port"); spids+=("$!")
}
start_kdns kdns "$dist"
start_kdns kdns-nio "$dist" -Dkdns.udp.transport=nio
if [ -n "$base" ]; then
    start_kdns base "$base"
    start_kdns base-nio "$base" -Dkdns.udp.transport=nio
fi
kport=$(free_port)
start_knot_upstream "$kport"
names+=(knotd); ports+=("$kport"); spids+=("$started")
for p in "${ports[@]}"; do wait_answer "$p"; done
printf 'www.example.org A\n' > "$work/queries"

vcsw() { # pid: voluntary context switches of all its threads
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s + 0}'
}
stime() { awk '{print $15}' "/proc/$1/stat"; }
measure() { # round index
    local name=${names[$2]} port=${ports[$2]} pid=${spids[$2]} b a bs as bv av out n fixed=()
    [ "$rate" = 0 ] || fixed=(-Q "$rate" -v)
    b=$(cpu_ticks "$pid"); bs=$(stime "$pid"); bv=$(vcsw "$pid")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$secs" -c 4 -q 500 "${fixed[@]}" 2>&1)
    a=$(cpu_ticks "$pid"); as=$(stime "$pid"); av=$(vcsw "$pid")
    n=$(echo "$out" | awk '/Queries completed/ {print $3}')
    awk -v r="$1" -v s="$name" -v t=$((a - b)) -v k=$((as - bs)) -v v=$((av - bv)) -v hz="$ticks" -v n="$n" -v p="$(percentiles "$out")" \
        -v qps="$(echo "$out" | awk '/Queries per second/ {printf "%.0f", $4}')" \
        'BEGIN { printf "round %d  %-9s cpu/100k %.2f  kernel %2.0f%%  p50/p99 %s ms  vcsw/query %.2f  q/s %s\n", r, s, t / hz / n * 100000, (t > 0 ? 100 * k / t : 0), p, v / n, qps }'
}

# Warm the JIT of every kdns before the first round.
flock "$lock" bash -c "for p in ${ports[*]}; do dnsperf -s 127.0.0.1 -p \$p -d $work/queries -l 5 -c 4 -q 500 >/dev/null 2>&1 || true; done"
for r in $(seq 1 "$rounds"); do
    exec 9>"$lock"
    flock 9
    # Alternate the order between rounds, so no server always runs first after the wait.
    if [ $((r % 2)) = 1 ]; then order=$(seq 0 $((${#names[@]} - 1))); else order=$(seq $((${#names[@]} - 1)) -1 0); fi
    for i in $order; do measure "$r" "$i"; done
    exec 9>&-
done
