#!/usr/bin/env bash
# The forward-only part of dnsperf-compare.sh on its own: kdns `forward` in front of knotd beside
# unbound (forwarding, 2 threads) and dnsdist (no packet cache), every query name unique so no cache
# answers; optionally a second kdns distribution (BASELINE, e.g. the commit before a change) in the
# same run, so a change is measured side by side with the reference servers.
#   forward-compare.sh DIST [SECONDS] [RATE] [BASELINE_DIST]
# Prints one table (queries/s at saturation and at a fixed rate, p50/p99 latency at the fixed rate,
# server CPU per 100k queries, RSS)
# and the ratios. Saturation queries/s are the queries answered per second of the sending time, as in
# dnsperf-compare.sh. Every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: forward-compare.sh DIST [SECONDS] [RATE] [BASELINE_DIST]}
secs=${2:-10}
rate=${3:-20000}
base=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-forward-bench

rport=$(free_port); fport=$(free_port); bport=$(free_port); uport=$(free_port); dport=$(free_port)

# knotd: the upstream, a wildcard so every unique name gets an A answer.
start_knot_upstream "$rport"; rpid=$started

cat > "$work/Corefile" <<COREFILE
.:$fport {
    bind 127.0.0.1
    forward . 127.0.0.1:$rport
}
COREFILE
"$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns-forward.log" 2>&1 &
fpid=$!; pids+=("$fpid")
if [ -n "$base" ]; then
    sed "s/:$fport/:$bport/" "$work/Corefile" > "$work/Corefile.base"
    "$base/bin/kdns" -conf "$work/Corefile.base" -quiet > "$work/kdns-base.log" 2>&1 &
    bpid=$!; pids+=("$bpid")
fi

start_unbound_forwarder "$uport" "$rport"; upid=$started
start_dnsdist "$dport" "$rport"; dpid=$started

wait_answer "$rport"; wait_answer "$fport"; wait_answer "$uport"; wait_answer "$dport"
[ -n "$base" ] && wait_answer "$bport"

printf 'www.example.org A\n' > "$work/queries"
# Unique names, a file per mode and per server (unbound caches what it forwarded).
awk -v n=$((secs * 150000)) 'BEGIN { for (i = 0; i < n; i++) printf "s%d.example.org A\n", i }' > "$work/unique-saturation"
awk -v n=$((secs * rate * 3 / 2)) 'BEGIN { for (i = 0; i < n; i++) printf "f%d.example.org A\n", i }' > "$work/unique-fixed"

results=()
run() { # name pid port mode
    local name=$1 pid=$2 port=$3 mode=$4 extra=()
    [ "$mode" = "fixed" ] && extra=(-Q "$rate" -v)
    local before after out qps lat completed lost cpu100k
    before=$(cpu_ticks "$pid")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/unique-$mode" -l "$secs" -c 4 -q 500 "${extra[@]}" 2>&1)
    after=$(cpu_ticks "$pid")
    qps=$(echo "$out" | awk '/Queries per second/ {printf "%.0f", $4}')
    # Saturation: per second of sending, not to dnsperf's last reply (processes.sh, answered_per_second).
    [ "$mode" = "saturation" ] && qps=$(answered_per_second "$out" "$secs" | awk '{printf "%.0f", $1}')
    lat=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4*1000}')
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
    cpu100k=$(awk -v t=$((after-before)) -v hz="$ticks" -v n="$completed" 'BEGIN { if (n>0) printf "%.2f", (t/hz)/n*100000; else print "n/a" }')
    results+=("| $name | $mode | $qps | $lat | $(percentiles "$out") | $cpu100k | $(rss_mib "$pid") | $lost |")
    eval "${name//[^a-z]/_}_${mode}_qps=$qps; ${name//[^a-z]/_}_${mode}_cpu=$cpu100k"
}

# Warm the JIT (and dnsdist) before measuring; names the measured runs do not use.
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "w%d.example.org A\n", i }' > "$work/warm"
for p in "$fport" "$dport" ${base:+"$bport"}; do
    dnsperf -s 127.0.0.1 -p "$p" -d "$work/warm" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true
done
for mode in saturation fixed; do
    run kdns-forward "$fpid" "$fport" "$mode"
    [ -n "$base" ] && run kdns-forward-base "$bpid" "$bport" "$mode"
    run unbound-forward "$upid" "$uport" "$mode"
    run dnsdist "$dpid" "$dport" "$mode"
done

echo "## forward-only (unique names) in front of knotd: kdns beside unbound and dnsdist, dnsperf on 127.0.0.1 ($(nproc) cores, ${secs}s per run, fixed rate $rate qps)"
echo
echo "| server | mode | queries/s | avg latency ms | p50 / p99 ms | server CPU s / 100k queries | RSS MiB | lost |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
ratio() { awk -v a="$2" -v b="$3" -v l="$1" 'BEGIN { printf "%s: %.2f\n", l, a/b }'; }
ratio "ratio kdns forward-only / unbound, saturation queries/s (target >= 1.0)" "$kdns_forward_saturation_qps" "$unbound_forward_saturation_qps"
ratio "ratio kdns forward-only / dnsdist, saturation queries/s (target >= 0.8)" "$kdns_forward_saturation_qps" "$dnsdist_saturation_qps"
ratio "ratio kdns forward-only / unbound, CPU per query at the fixed rate" "$kdns_forward_fixed_cpu" "$unbound_forward_fixed_cpu"
ratio "ratio kdns forward-only / dnsdist, CPU per query at the fixed rate" "$kdns_forward_fixed_cpu" "$dnsdist_fixed_cpu"
if [ -n "$base" ]; then
    ratio "ratio kdns / the baseline distribution, saturation queries/s" "$kdns_forward_saturation_qps" "$kdns_forward_base_saturation_qps"
    ratio "ratio kdns / the baseline distribution, CPU per query at the fixed rate" "$kdns_forward_fixed_cpu" "$kdns_forward_base_fixed_cpu"
    ratio "ratio the baseline distribution / dnsdist, saturation queries/s" "$kdns_forward_base_saturation_qps" "$dnsdist_saturation_qps"
fi
