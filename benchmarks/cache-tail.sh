#!/usr/bin/env bash
# The cache row's tail at a fixed rate, distribution beside distribution: for each DIST a kdns
# cache+forward in front of one knotd (cache hits, as in dnsperf-compare.sh) and a kdns whoami,
# each warmed at saturation, then ROUNDS rounds, each round (under flock /tmp/kdns-maven.lock) one
# fixed-rate dnsperf run on every server in turn. Per run: p50 / p99 / p99.9, the server's CPU per
# 100k queries, its young collections during the run (count, longest pause, bytes allocated per
# query from the heap before and after each collection) and its other safepoints (-Xlog:gc,
# -Xlog:safepoint), and the queries slower than 1 ms in the run's first half second against the rest
# (dnsperf -v lists them in the order they complete, so a position is a time at a fixed rate): the
# first half second holds the JIT's recompilation after the warm-up's different branch profile.
# With -w the warm-up is a fixed-rate run at RATE (10 s) instead of 5 s at saturation. With -L the
# caller holds the lock for the whole run (flock /tmp/kdns-maven.lock cache-tail.sh -L ...) and the
# script takes it for no step of its own.
#   cache-tail.sh [-r ROUNDS] [-s SECONDS] [-q RATE] [-w] [-L] DIST...
# Prints to stdout only; results/*.md are not touched. Every process it starts is stopped.
set -euo pipefail
rounds=3; secs=10; rate=20000; fixedwarm=; lock=/tmp/kdns-maven.lock
while getopts r:s:q:wL o; do
    case $o in r) rounds=$OPTARG ;; s) secs=$OPTARG ;; q) rate=$OPTARG ;; w) fixedwarm=1 ;; L) lock=/dev/null ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: cache-tail.sh [-r ROUNDS] [-s SECONDS] [-q RATE] [-w] [-L] DIST..." >&2; exit 2; }
warm=(-l 5); [ -z "$fixedwarm" ] || warm=(-l 10 -Q "$rate")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-cache-tail

rport=$(free_port)
start_knot_upstream "$rport"
wait_answer "$rport"
printf 'www.example.org A\n' > "$work/queries"

names=(); ports=(); spids=()
n=0
for dist in "$@"; do
    [ -x "$dist/bin/kdns" ] || fail "no kdns distribution at $dist"
    for kind in cache whoami; do
        port=$(free_port); name="d$n-$kind"
        if [ $kind = cache ]; then
            printf '.:%s {\n    bind 127.0.0.1\n    cache 30\n    forward . 127.0.0.1:%s\n}\n' "$port" "$rport" > "$work/$name.conf"
        else
            printf '.:%s {\n    bind 127.0.0.1\n    whoami\n}\n' "$port" > "$work/$name.conf"
        fi
        KDNS_JAVA_OPTS="-Xlog:gc:file=$work/$name.gc -Xlog:safepoint:file=$work/$name.sp ${KDNS_JAVA_OPTS:-}" \
            "$dist/bin/kdns" -conf "$work/$name.conf" -quiet > "$work/$name.log" 2>&1 &
        pids+=("$!"); spids+=("$!"); names+=("$name"); ports+=("$port")
    done
    echo "d$n = $dist"
    n=$((n + 1))
done
for p in "${ports[@]}"; do wait_answer "$p"; done
exec 9>"$lock"; flock 9
for p in "${ports[@]}"; do dnsperf -s 127.0.0.1 -p "$p" -d "$work/queries" "${warm[@]}" -c 4 -q 500 >/dev/null 2>&1 || true; done
flock -u 9; exec 9>&-

echo "| round | server | p50 / p99 ms | p99.9 ms | CPU s/100k | young GCs | longest GC ms | bytes/query | other safepoints (longest ms) | >1 ms: first 0.5 s / rest |"
echo "|---|---|---|---|---|---|---|---|---|---|"
one() { # round index
    local r=$1 i=$2 name=${names[$2]} pid=${spids[$2]} port=${ports[$2]}
    local before after gl sl out completed
    before=$(cpu_ticks "$pid"); gl=$(wc -l < "$work/$name.gc"); sl=$(wc -l < "$work/$name.sp")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$secs" -c 4 -q 500 -Q "$rate" -v 2>&1)
    after=$(cpu_ticks "$pid")
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    local p999 cpu gcs sps
    p999=$(echo "$out" | awk '$1 == ">" && NF == 5 {print $5}' | sort -g | awk '{v[NR] = $1} END { printf "%.3f", v[int(NR * 0.999)] * 1000 }')
    cpu=$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$completed" 'BEGIN { printf "%.2f", (t / hz) / n * 100000 }')
    # "Pause Young (Allocation Failure) 7M->1M(30M) 0.912ms": allocated since the last collection =
    # this one's before minus the last one's after (MiB granularity, so an estimate).
    gcs=$(tail -n +"$((gl + 1))" "$work/$name.gc" | awk -v q="$completed" -v last="$(sed -n "${gl}p" "$work/$name.gc" | grep -o '[0-9]*M->[0-9]*M' | sed 's/.*->//; s/M//')" '
        /Pause/ { match($0, /[0-9]+M->[0-9]+M/); s = substr($0, RSTART, RLENGTH); split(s, a, "->"); b = a[1] + 0; e = a[2] + 0
                  if (last != "") alloc += b - last; last = e; n++
                  ms = $NF; sub(/ms/, "", ms); if (ms + 0 > mx) mx = ms + 0 }
        END { printf "%d | %.2f | %s", n, mx, (n > 1 && q > 0) ? sprintf("%.0f", alloc * 1048576 / q) : "-" }')
    sps=$(tail -n +"$((sl + 1))" "$work/$name.sp" | awk '/Safepoint "/ && !/Collect|GenCollect/ { for (i = 1; i <= NF; i++) if ($i == "Total:") { t = $(i + 1) / 1e6; if (t > mx) mx = t }; n++ } END { printf "%d (%.2f)", n, mx }')
    slow=$(echo "$out" | awk -v h=$((rate / 2)) '$1 == ">" && NF == 5 { n++; if ($5 > 0.001) { if (n <= h) a++; else b++ } } END { printf "%d / %d", a, b }')
    echo "| $r | $name | $(percentiles "$out") | $p999 | $cpu | $gcs | $sps | $slow |"
}
for r in $(seq 1 "$rounds"); do
    exec 9>"$lock"; flock 9
    for i in "${!names[@]}"; do one "$r" "$i"; done
    flock -u 9; exec 9>&-
done
