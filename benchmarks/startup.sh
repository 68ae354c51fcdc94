#!/usr/bin/env bash
# Start-up of the kubernetes scenario alone: kdns from process start to /ready 200 against the fake
# API server of test-support (FakeClusterMain in benchmarks.jar) holding N Services and 5*N endpoints,
# RUNS times per variant, the median and the spread printed per variant. No dnsperf: quick enough to
# compare one change (about 5 s per run with 10,000 Services).
#   startup.sh DIST [RUNS]
# Variants: the fake API server streaming lists (WATCH_LIST=SUPPORTED) and refusing them (REJECTED:
# kdns lists in pages), each with the distribution's AOT cache (when it has one) and without it
# (KDNS_AOT=off). Environment: JDK (a JDK 21+ home for FakeClusterMain; default build/find-jdk.sh),
# NAMES (default 10000), KDNS_JAVA_OPTS (added JVM options of kdns, e.g. a JFR recording), VARIANTS
# (default "streamed-aot streamed-noaot paged-aot paged-noaot"). Every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: startup.sh DIST [RUNS]}
runs=${2:-5}
names=${NAMES:-10000}
variants=${VARIANTS:-streamed-aot streamed-noaot paged-aot paged-noaot}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar="$here/target/benchmarks.jar"
. "$here/processes.sh" kdns-bench-startup
need_dist_jar_jdk curl

start_api() { # watch_list -> api_pid, kubeconfig in $work/kube-$1
    mkdir -p "$work/kube-$1"
    WATCH_LIST=$1 "$jdk/bin/java" -XX:+UseSerialGC -Xmx512m -cp "$jar" kdns.benchmarks.FakeClusterMain \
        "$work/kube-$1" "$names" $((names * 5)) > "$work/fakeapi-$1.log" 2>&1 &
    api_pid=$!; pids+=("$api_pid")
    wait_fake_cluster "$api_pid" "$work/fakeapi-$1.log" 60
}

once() { # kubeconfig aot(on|off) -> prints "seconds rss"
    local kready start pid code
    kready=$(free_port)
    cat > "$work/Corefile" <<COREFILE
cluster.local:$(free_port) {
    bind 127.0.0.1
    ready 127.0.0.1:$kready
    kubernetes cluster.local {
        kubeconfig $1
    }
}
COREFILE
    start=$(now)
    KDNS_AOT=$2 "$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
    pid=$!; pids+=("$pid")
    while :; do
        kill -0 "$pid" 2>/dev/null || fail "kdns exited before /ready"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$kready/ready" || true)
        [ "$code" = 200 ] && break
        awk -v s="$start" -v n="$(now)" 'BEGIN { exit !(n - s > 120) }' && fail "no /ready 200 after 120 s"
        sleep 0.02
    done
    echo "$(awk -v s="$start" -v n="$(now)" 'BEGIN { printf "%.2f", n - s }') $(rss_mib "$pid")"
    stop "$pid"
}

median() { sort -g | awk '{v[NR] = $1} END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A kubeconfig
for mode in SUPPORTED REJECTED; do
    start_api "$mode"; kubeconfig[$mode]="$work/kube-$mode/kubeconfig"
done
aot_file="$dist/aot/kdns.aot"
echo "kdns start-up to /ready 200, $names Services / $((names * 5)) endpoints, $runs runs per variant ($(nproc) cores); AOT cache: $([ -f "$aot_file" ] && echo "$(du -m "$aot_file" | cut -f1) MiB" || echo none)"
echo
echo "| variant | median s | min - max s | median RSS MiB |"
echo "|---|---|---|---|"
for v in $variants; do
    case $v in streamed-*) mode=SUPPORTED ;; paged-*) mode=REJECTED ;; *) fail "unknown variant $v" ;; esac
    case $v in *-noaot) aot=off ;; *) aot=on ;; esac
    : > "$work/times"; : > "$work/rss"
    for _ in $(seq 1 "$runs"); do
        read -r t r < <(once "${kubeconfig[$mode]}" "$aot")
        echo "$t" >> "$work/times"; echo "$r" >> "$work/rss"
    done
    echo "| $v | $(median < "$work/times") | $(sort -g "$work/times" | head -1) - $(sort -g "$work/times" | tail -1) | $(median < "$work/rss") |"
done
