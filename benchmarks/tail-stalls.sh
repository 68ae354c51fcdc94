#!/usr/bin/env bash
# What the slowest 1% of queries at a fixed rate wait for: kdns (whoami) beside knotd on
# 127.0.0.1, each warmed up at saturation, then one fixed-rate dnsperf run under
# `perf sched record -a` (run as root). For each server: p50 / p99 / p99.9, the server's CPU per
# 100k queries and dnsperf's own CPU, the time the query path (the server's reader threads and
# dnsperf) waited for a CPU and who held it (sched-stalls.py), and for kdns its JVM safepoints
# during the run (-Xlog:safepoint: count, median and longest, time to safepoint included).
#   tail-stalls.sh DIST [SECONDS] [RATE] [WARM_SECONDS]
# Prints to stdout only; results/*.md are not touched. Every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: tail-stalls.sh DIST [SECONDS] [RATE] [WARM_SECONDS]}
secs=${2:-10}
rate=${3:-20000}
warm=${4:-15}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-tail
for tool in perf dnsperf knotd python3; do
    command -v "$tool" >/dev/null 2>&1 || fail "missing $tool"
done

kport=$(free_port); rport=$(free_port)
cat > "$work/Corefile" <<COREFILE
.:$kport {
    bind 127.0.0.1
    whoami
}
COREFILE
KDNS_JAVA_OPTS="-Xlog:safepoint:file=$work/safepoints.log ${KDNS_JAVA_OPTS:-}" \
    "$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
kpid=$!; pids+=("$kpid")
start_knot_upstream "$rport"; rpid=$started
wait_answer "$kport"; wait_answer "$rport"
printf 'www.example.org A\n' > "$work/queries"

measure() { # name pid port thread-regex
    local name=$1 pid=$2 port=$3 threads=$4 before after lines_before out
    dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$warm" -c 4 -q 500 >/dev/null 2>&1
    before=$(cpu_ticks "$pid")
    lines_before=$(wc -l < "$work/safepoints.log")
    perf sched record -a -q -o "$work/sched.data" \
        /usr/bin/time -f '%U %S' -o "$work/dnsperf.time" \
        dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$secs" -c 4 -q 500 -Q "$rate" -v > "$work/dnsperf.out" 2>&1
    after=$(cpu_ticks "$pid")
    out=$(cat "$work/dnsperf.out")
    local completed
    completed=$(awk '/Queries completed/ {print $3}' "$work/dnsperf.out")
    echo "## $name at $rate q/s for $secs s"
    echo "p50 / p99 ms: $(percentiles "$out"); p99.9 ms: $(awk '$1 == ">" && NF == 5 {print $5}' "$work/dnsperf.out" | sort -g | awk '{v[NR] = $1} END { printf "%.3f", v[int(NR * 0.999)] * 1000 }')"
    echo "server CPU s / 100k queries: $(awk -v t=$((after - before)) -v hz="$ticks" -v n="$completed" 'BEGIN { printf "%.2f", (t / hz) / n * 100000 }'); dnsperf's CPU (user, system s): $(cat "$work/dnsperf.time")"
    if [ "$name" = kdns ]; then
        tail -n +"$((lines_before + 1))" "$work/safepoints.log" \
            | awk '/Safepoint "/ { for (i = 1; i <= NF; i++) if ($i == "Total:") print $(i + 1) / 1e6 }' | sort -g \
            | awk -v s="$secs" '{ v[++n] = $1; sum += $1 }
                END { if (n == 0) print "JVM safepoints during the run: none"
                      else printf "JVM safepoints during the run: %d (%.1f/s), %.1f ms in all, median %.2f ms, longest %.2f ms\n", n, n / s, sum, v[int((n + 1) / 2)], v[n] }'
    fi
    perf sched timehist -i "$work/sched.data" 2>/dev/null > "$work/timehist.txt"
    python3 "$here/sched-stalls.py" "$work/timehist.txt" "$threads"
    rm -f "$work/sched.data"
    echo
}
measure kdns "$kpid" "$kport" '^udp-|^dnsperf'
measure knotd "$rpid" "$rport" '^knotd|^dnsperf'
