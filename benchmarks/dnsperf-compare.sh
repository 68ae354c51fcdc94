#!/usr/bin/env bash
# Whole-server comparison on 127.0.0.1: kdns (whoami) beside knotd (an authoritative A answer),
# in the same run, under dnsperf at saturation and at a fixed rate; kdns cache+forward beside
# unbound (cache hits); and the forwarders alone in front of knotd, kdns forward beside unbound and
# dnsdist (no packet cache), every query name unique so no cache answers.
#   dnsperf-compare.sh DIST [SECONDS] [RATE]
# Prints one table (queries/s, average latency, server CPU seconds per 100k queries, RSS) and the
# ratios, and writes it to results/latest.md. Every process it starts is stopped.
# Each fixed-rate row is measured after FIXED_WARMUP seconds (default 3; 0: none) at the same rate
# on the same server: the saturation rows before it leave a branch profile that the JIT throws away
# in the fixed run's first half second (deoptimization, then recompilation stalls of 10-29 ms), and
# the row is meant to measure the steady state at that rate, not that transition.
# ROWS=forward runs, with the same processes and warm-up, only the rows of kdns forward and dnsdist, in
# ROUNDS rounds (default 3; saturation then the fixed rate in each), with per row dnsperf's largest
# latency and its run time (to the last reply: a reply after a 2 s re-send at the end lengthens it, a
# query never answered does not), the queries the kernel dropped at knotd's sockets and machine-wide (UdpRcvbufErrors), the
# cores idle and used by knotd and the other kdns JVMs (ticks), and the server's threads' exact run
# and runnable-wait time (schedstat: a busy thread that waits for a core is not an idle one);
# it prints its table and writes nothing under results/.
set -euo pipefail
dist=${1:?usage: dnsperf-compare.sh DIST [SECONDS] [RATE]}
secs=${2:-10}
rate=${3:-20000}
warmup=${FIXED_WARMUP:-3}
rows=${ROWS:-all}
case "$rows" in all|forward) ;; *) echo "ROWS must be all or forward, not $rows" >&2; exit 1 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-bench

kport=$(free_port); nport=$(free_port); rport=$(free_port)
cport=$(free_port); fport=$(free_port); uport=$(free_port)
dport=$(free_port)

# kdns: whoami on 127.0.0.1.
cat > "$work/Corefile" <<COREFILE
.:$kport {
    bind 127.0.0.1
    whoami
}
COREFILE
"$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
kpid=$!; pids+=("$kpid")
# The same on the JDK's DatagramChannel (one system call per receive and per send) instead of the
# batched epoll transport: the UDP transport not chosen on Linux.
sed "s/:$kport/:$nport/" "$work/Corefile" > "$work/Corefile.nio"
KDNS_JAVA_OPTS=-Dkdns.udp.transport=nio "$dist/bin/kdns" -conf "$work/Corefile.nio" -quiet > "$work/kdns-nio.log" 2>&1 &
npid=$!; pids+=("$npid")

# knotd: example.org with an A record, the same size of answer as whoami's.
start_knot_upstream "$rport"; rpid=$started

# kdns as a caching forwarder in front of knotd, and as a plain forwarder.
cat > "$work/Corefile.cache" <<COREFILE
.:$cport {
    bind 127.0.0.1
    cache 30
    forward . 127.0.0.1:$rport
}
COREFILE
sed -e "s/:$cport/:$fport/" -e '/cache 30/d' "$work/Corefile.cache" > "$work/Corefile.forward"
"$dist/bin/kdns" -conf "$work/Corefile.cache" -quiet > "$work/kdns-cache.log" 2>&1 &
cpid=$!; pids+=("$cpid")
"$dist/bin/kdns" -conf "$work/Corefile.forward" -quiet > "$work/kdns-forward.log" 2>&1 &
fpid=$!; pids+=("$fpid")

start_unbound_forwarder "$uport" "$rport"; upid=$started
start_dnsdist "$dport" "$rport"; dpid=$started

wait_answer "$kport"; wait_answer "$nport"; wait_answer "$rport"
wait_answer "$cport"; wait_answer "$fport"; wait_answer "$uport"; wait_answer "$dport"

printf 'www.example.org A\n' > "$work/queries"
# The forward runs' names: unique within a file, and a file per mode, so unbound's cache (which the
# saturation run fills) never answers the fixed-rate run; more names than a run sends.
awk -v n=$((secs * 100000)) 'BEGIN { for (i = 0; i < n; i++) printf "s%d.example.org A\n", i }' > "$work/unique-saturation"
awk -v n=$((secs * rate * 3 / 2)) 'BEGIN { for (i = 0; i < n; i++) printf "f%d.example.org A\n", i }' > "$work/unique-fixed"
# The fixed-rate warm-up's own names, so it fills no cache the measured run then hits.
awk -v n=$((warmup * rate * 3 / 2 + 1)) 'BEGIN { for (i = 0; i < n; i++) printf "w%d.example.org A\n", i }' > "$work/unique-warmup"

results=()
run() { # name pid port mode [query file]
    local name=$1 pid=$2 port=$3 mode=$4 queries=${5:-$work/queries} extra=()
    [ "$mode" = "fixed" ] && extra=(-Q "$rate" -v)
    local before after out qps lat
    if [ "$mode" = "fixed" ] && [ "$warmup" -gt 0 ]; then
        dnsperf -s 127.0.0.1 -p "$port" -d "${queries/unique-fixed/unique-warmup}" -l "$warmup" -c 4 -q 500 \
            -Q "$rate" >/dev/null 2>&1 || true
    fi
    before=$(cpu_ticks "$pid")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -l "$secs" -c 4 -q 500 "${extra[@]}" 2>&1)
    after=$(cpu_ticks "$pid")
    qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
    lat=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4*1000}')
    last_max=$(echo "$out" | awk '/Average Latency/ {sub(/.*max /, ""); sub(/\).*/, ""); printf "%.3f", $0 * 1000}')
    last_runtime=$(echo "$out" | awk '/Run time/ {printf "%.2f", $4}')
    local completed lost
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
    # Saturation: per second of sending, not to dnsperf's last reply (processes.sh, answered_per_second).
    [ "$mode" = "saturation" ] && qps=$(answered_per_second "$out" "$secs")
    local cpu100k
    cpu100k=$(awk -v t=$((after-before)) -v hz="$ticks" -v n="$completed" 'BEGIN { if (n>0) printf "%.2f", (t/hz)/n*100000; else print "n/a" }')
    results+=("| $name | $mode | $qps | $lat | $(percentiles "$out") | $cpu100k | $(rss_mib "$pid") | $lost |")
    eval "${name//[^a-z]/_}_${mode}_qps=$qps; ${name//[^a-z]/_}_${mode}_cpu=$cpu100k"
}

knotd_drops() { udp_drops "$rport" | cut -d" " -f1; } # at knotd's listening sockets
rcvbuf_errors() { nstat -asz UdpRcvbufErrors | awk '$1 == "UdpRcvbufErrors" {print $2}'; }
idle_ticks() { awk '$1 == "cpu" {print $5 + $6}' /proc/stat; }
# Per thread of a process: "TID run_ns runnable_wait_ns" (the scheduler's exact counters, not ticks).
sched_threads() { for t in /proc/"$1"/task/*; do echo "${t##*/} $(cat "$t/schedstat" 2>/dev/null)"; done; }
sched_share() { # before after seconds: cores the threads ran / waited runnable, and the busiest thread's run
    awk -v t="$3" 'NR == FNR {r[$1] = $2; w[$1] = $3; next} ($1 in r) {dr = $2 - r[$1]; run += dr; wait += $3 - w[$1]; if (dr > top) top = dr}
        END {printf "%.2f / %.2f / %.2f", run / 1e9 / t, wait / 1e9 / t, top / 1e9 / t}' "$1" "$2"
}
forward_row() { # name pid port mode round: a run, with the drops it caused, its largest latency, where the cores went
    local d0 e0 i0 k0 o0 t0 t1 p
    d0=$(knotd_drops); e0=$(rcvbuf_errors); i0=$(idle_ticks); k0=$(cpu_ticks "$rpid")
    o0=0; for p in "$kpid" "$npid" "$cpid"; do o0=$((o0 + $(cpu_ticks "$p"))); done
    sched_threads "$2" > "$work/sched0"
    t0=$(now)
    run "$1" "$2" "$3" "$4" "$work/unique-$4"
    t1=$(now)
    sched_threads "$2" > "$work/sched1"
    local o1=0; for p in "$kpid" "$npid" "$cpid"; do o1=$((o1 + $(cpu_ticks "$p"))); done
    results[-1]="${results[-1]} $(awk -v a="$d0" -v b="$(knotd_drops)" 'BEGIN {print b - a}') | $(awk -v a="$e0" -v b="$(rcvbuf_errors)" 'BEGIN {print b - a}') | $last_max | $last_runtime | $(awk -v a="$i0" -v b="$(idle_ticks)" -v k0="$k0" -v k1="$(cpu_ticks "$rpid")" -v o0="$o0" -v o1="$o1" -v hz="$ticks" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" 'BEGIN {printf "%.2f / %.2f / %.2f", (b - a) / hz / t, (k1 - k0) / hz / t, (o1 - o0) / hz / t}') | $(sched_share "$work/sched0" "$work/sched1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')") | $5 |"
}

# Warm the JIT before measuring.
for p in "$kport" "$nport" "$cport" "$fport" "$dport"; do
    dnsperf -s 127.0.0.1 -p "$p" -d "$work/queries" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true
done
if [ "$rows" = forward ]; then
    for round in $(seq 1 "${ROUNDS:-3}"); do
        for mode in saturation fixed; do
            forward_row kdns-forward "$fpid" "$fport" "$mode" "$round"
            forward_row dnsdist "$dpid" "$dport" "$mode" "$round"
        done
    done
    echo "## forward rows of dnsperf-compare.sh ($dist), ${ROUNDS:-3} rounds, ${secs}s per run, fixed rate $rate qps after ${warmup}s"
    echo
    echo "| server | mode | queries/s | avg latency ms | p50 / p99 ms | server CPU s / 100k queries | RSS MiB | lost | knotd socket drops | UdpRcvbufErrors | max latency ms | dnsperf run time s | cores idle / knotd / other kdns | server threads: cores run / waiting runnable / busiest thread run | round |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${results[@]}"
    exit 0
fi
for mode in saturation fixed; do
    run kdns "$kpid" "$kport" "$mode"
    run kdns-nio "$npid" "$nport" "$mode"
    run knotd "$rpid" "$rport" "$mode"
    run kdns-cache "$cpid" "$cport" "$mode"
    run unbound "$upid" "$uport" "$mode"
    run kdns-forward "$fpid" "$fport" "$mode" "$work/unique-$mode"
    run unbound-forward "$upid" "$uport" "$mode" "$work/unique-$mode"
    run dnsdist "$dpid" "$dport" "$mode" "$work/unique-$mode"
done

{
    echo "## kdns vs knotd and unbound: whoami (inline readers on batched epoll; JDK DatagramChannel), cache+forward, forward-only (unique names) beside unbound and dnsdist, dnsperf on 127.0.0.1 ($(nproc) cores, ${secs}s per run, fixed rate $rate qps, each fixed-rate row after ${warmup}s at that rate)"
    echo
    echo "Saturation queries/s: the queries answered per second of the ${secs}s of sending (not dnsperf's figure, which divides by the time to its last reply; earlier.md s17-A)."
    echo
    echo "| server | mode | queries/s | avg latency ms | p50 / p99 ms | server CPU s / 100k queries | RSS MiB | lost |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${results[@]}"
    echo
    awk -v a="$kdns_saturation_qps" -v b="$knotd_saturation_qps" 'BEGIN { printf "ratio kdns/knotd, saturation queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_fixed_cpu" -v b="$knotd_fixed_cpu" 'BEGIN { printf "ratio kdns/knotd, CPU per query at the fixed rate: %.2f\n", a/b }'
    awk -v a="$kdns_cache_saturation_qps" -v b="$unbound_saturation_qps" 'BEGIN { printf "ratio kdns cache+forward / unbound, cache-hit saturation queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_cache_fixed_cpu" -v b="$unbound_fixed_cpu" 'BEGIN { printf "ratio kdns cache+forward / unbound, CPU per query at the fixed rate: %.2f\n", a/b }'
    awk -v a="$kdns_cache_saturation_qps" -v b="$knotd_saturation_qps" 'BEGIN { printf "ratio kdns cache hits / knotd (authoritative), saturation queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_forward_saturation_qps" -v b="$knotd_saturation_qps" 'BEGIN { printf "ratio kdns forward-only / knotd direct, saturation queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_forward_saturation_qps" -v b="$unbound_forward_saturation_qps" 'BEGIN { printf "ratio kdns forward-only / unbound forwarding (unique names), saturation queries/s: %.2f (target >= 1.0)\n", a/b }'
    awk -v a="$kdns_forward_saturation_qps" -v b="$dnsdist_saturation_qps" 'BEGIN { printf "ratio kdns forward-only / dnsdist (no packet cache), saturation queries/s: %.2f (target >= 0.8)\n", a/b }'
    awk -v a="$kdns_forward_fixed_cpu" -v b="$unbound_forward_fixed_cpu" 'BEGIN { printf "ratio kdns forward-only / unbound forwarding, CPU per query at the fixed rate: %.2f\n", a/b }'
    awk -v a="$kdns_forward_fixed_cpu" -v b="$dnsdist_fixed_cpu" 'BEGIN { printf "ratio kdns forward-only / dnsdist, CPU per query at the fixed rate: %.2f\n", a/b }'
    awk -v a="$kdns_nio_saturation_qps" -v b="$kdns_saturation_qps" 'BEGIN { printf "ratio JDK DatagramChannel / batched epoll, saturation queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_nio_fixed_cpu" -v b="$kdns_fixed_cpu" 'BEGIN { printf "ratio JDK DatagramChannel / batched epoll, CPU per query at the fixed rate: %.2f\n", a/b }'
    echo
    echo "kdns launcher heap settings: $(grep -v '^ *#' "$dist/bin/kdns" | grep -o -- '-Xm[sxn][0-9]*[kmgKMG]\|-XX:M[a-z]*RAMPercentage=[0-9]*\|-XX:M[a-z]*HeapFreeRatio=[0-9]*' | tr '\n' ' ')"
} | tee "$work/table.md"
mkdir -p "$here/results"
# A run of make bench starts latest.md afresh (the data-set and DoT scripts append to it); what it
# held before goes on top of earlier.md, so the analyses written under earlier runs (where the time
# and memory go, what was tried) are kept.
if [ -s "$here/results/latest.md" ]; then
    { cat "$here/results/latest.md"; echo; if [ -s "$here/results/earlier.md" ]; then cat "$here/results/earlier.md"; fi; } > "$work/earlier.md"
    cp "$work/earlier.md" "$here/results/earlier.md"
fi
cp "$work/table.md" "$here/results/latest.md"
