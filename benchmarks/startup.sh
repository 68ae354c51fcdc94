#!/usr/bin/env bash
# Start-up alone: kdns from process start to /ready 200, RUNS times per variant, the median, the
# spread and the RSS at ready printed per variant. No dnsperf: quick enough to compare one change.
#   startup.sh DIST [RUNS]
# Variants (VARIANTS, default "streamed-aot streamed-noaot paged-aot paged-noaot"):
#   streamed-*  kubernetes against the fake API server of test-support (FakeClusterMain in
#               benchmarks.jar) holding N Services and 5*N endpoints, streaming its lists
#               (WATCH_LIST=SUPPORTED); about 5 s per run with 10,000 Services
#   paged-*     the same, the fake refusing streamed lists (REJECTED: kdns lists in pages)
#   etcd-*      the etcd plugin against one local etcd (127.0.0.1, a temporary data folder) holding
#               N SkyDNS names under /skydns/local/bench, loaded as dnsperf-datasets.sh loads them
#               (needs etcd and python3 on the PATH); about 1 s per run
# each with the distribution's AOT cache (-aot, when it has one) and without it (-noaot:
# KDNS_AOT=off). Environment: JDK (a JDK 21+ home for FakeClusterMain; default build/find-jdk.sh),
# NAMES (default 10000), KDNS_JAVA_OPTS (added JVM options of kdns, e.g. a JFR recording), VARIANTS,
# BASELINE (a second distribution, e.g. main's built into another folder: its runs alternate with
# DIST's, run by run, and get rows of their own, so both see the same machine noise), BESIDE_KNOTD
# (1: etcd variants only, a knotd loading a zone of the same N names is started right after kdns
# and stopped at its ready, as dnsperf-datasets.sh starts them, so the 2 cores are shared as there).
# Only the servers the chosen variants need are started; every process it starts is stopped.
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
baseline=${BASELINE:-}
[ -z "$baseline" ] || [ -x "$baseline/bin/kdns" ] || fail "no kdns distribution at BASELINE=$baseline"
for v in $variants; do
    case $v in streamed-aot|streamed-noaot|paged-aot|paged-noaot) ;;
        etcd-aot|etcd-noaot) need_dist_jar_jdk etcd python3
            [ "${BESIDE_KNOTD:-0}" != 1 ] || need_dist_jar_jdk knotd ;;
        *) fail "unknown variant $v (streamed-, paged- or etcd- followed by aot or noaot)" ;;
    esac
done
wants() { [[ " $variants " == *" $1-"* ]]; }

start_api() { # watch_list -> api_pid, kubeconfig in $work/kube-$1
    mkdir -p "$work/kube-$1"
    WATCH_LIST=$1 "$jdk/bin/java" -XX:+UseSerialGC -Xmx512m -cp "$jar" kdns.benchmarks.FakeClusterMain \
        "$work/kube-$1" "$names" $((names * 5)) > "$work/fakeapi-$1.log" 2>&1 &
    api_pid=$!; pids+=("$api_pid")
    wait_fake_cluster "$api_pid" "$work/fakeapi-$1.log" 60
}

# The one server block of the Corefile, per scenario: kubernetes KUBECONFIG, or etcd ENDPOINT.
kube_block() { printf 'cluster.local:%s {\n    bind 127.0.0.1\n    ready 127.0.0.1:%s\n    kubernetes cluster.local {\n        kubeconfig %s\n    }\n}\n' "$2" "$3" "$1"; }
etcd_block() { printf 'bench.local:%s {\n    bind 127.0.0.1\n    ready 127.0.0.1:%s\n    etcd bench.local {\n        endpoint %s\n    }\n}\n' "$2" "$3" "$1"; }

once() { # dist block-function argument aot(on|off) -> prints "seconds rss"
    local d=$1 kready start pid code
    shift
    kready=$(free_port)
    "$1" "$2" "$(free_port)" "$kready" > "$work/Corefile"
    start=$(now)
    KDNS_AOT=$3 "$d/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
    pid=$!; pids+=("$pid")
    knot=
    if [ "${BESIDE_KNOTD:-0}" = 1 ] && [ "$1" = etcd_block ]; then
        rm -rf "$work/knot-beside"
        start_knotd beside bench.local "$work/bench.local.zone" "$(free_port)"; knot=$started
    fi
    while :; do
        kill -0 "$pid" 2>/dev/null || fail "kdns exited before /ready"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$kready/ready" || true)
        [ "$code" = 200 ] && break
        awk -v s="$start" -v n="$(now)" 'BEGIN { exit !(n - s > 120) }' && fail "no /ready 200 after 120 s"
        sleep 0.02
    done
    echo "$(since "$start") $(rss_mib "$pid")"
    stop "$pid"
    [ -z "$knot" ] || stop "$knot"
}

# One etcd on 127.0.0.1 (data in $work) holding N names svcNNNNN.bench.local, put in
# transactions of 1,000 over the JSON gateway; sets etcd_url.
start_etcd() {
    local client peer
    client=$(free_port); peer=$(free_port)
    etcd --name startup --data-dir "$work/etcd-data" \
        --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "startup=http://127.0.0.1:$peer" --initial-cluster-state new \
        --max-txn-ops 1000 --log-level error > "$work/etcd.log" 2>&1 &
    pids+=("$!")
    etcd_url="http://127.0.0.1:$client"
    for _ in $(seq 1 100); do
        curl -sf --max-time 1 "$etcd_url/health" 2>/dev/null | grep -q '"true"' && break
        sleep 0.1
    done
    curl -sf --max-time 1 "$etcd_url/health" | grep -q '"true"' || fail "etcd is not healthy"
    python3 - "$names" "$etcd_url/v3/kv/txn" <<'PY'
import base64, json, sys, urllib.request
n = int(sys.argv[1])
b64 = lambda s: base64.b64encode(s.encode()).decode()
for start in range(0, n, 1000):
    ops = [{"requestPut": {"key": b64("/skydns/local/bench/svc%05d" % i),
                           "value": b64(json.dumps({"host": "10.%d.%d.%d" % (1 + (i >> 16), (i >> 8) & 255, i & 255),
                                                    "ttl": 60}))}}
           for i in range(start, min(n, start + 1000))]
    req = urllib.request.Request(sys.argv[2], data=json.dumps({"success": ops}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        if "header" not in json.load(r):
            sys.exit("etcd txn failed")
PY
    [ "${BESIDE_KNOTD:-0}" != 1 ] || python3 - "$names" "$work/bench.local.zone" <<'PY'
import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as z:
    z.write("$ORIGIN bench.local.\n$TTL 60\n@ 60 SOA ns.bench.local. admin.bench.local. 1 7200 3600 1209600 60\n"
            "@ 60 NS ns.bench.local.\nns 60 A 127.0.0.1\n")
    for i in range(n):
        z.write("svc%05d 60 A 10.%d.%d.%d\n" % (i, 1 + (i >> 16), (i >> 8) & 255, i & 255))
PY
}

median() { sort -g | awk '{v[NR] = $1} END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A kubeconfig
for mode in SUPPORTED REJECTED; do
    case $mode in SUPPORTED) w=streamed ;; *) w=paged ;; esac
    wants "$w" || continue
    start_api "$mode"; kubeconfig[$mode]="$work/kube-$mode/kubeconfig"
done
wants etcd && start_etcd
# the distribution's caches (bin/kdns picks one per Corefile), with their sizes
aot_files=$(cd "$dist" && for f in aot/*.aot; do [ -f "$f" ] && printf '%s %s MiB, ' "${f#aot/}" "$(du -m "$f" | cut -f1)"; done; true)
aot_files=${aot_files%, }
echo "kdns start-up to /ready 200, $names Services / $((names * 5)) endpoints (kubernetes) or $names etcd names, $runs runs per variant ($(nproc) cores); AOT caches: ${aot_files:-none}${baseline:+; baseline $baseline, its runs alternating with these}"
echo
echo "| variant | median s | min - max s | median RSS MiB |"
echo "|---|---|---|---|"
row() { # label times-file rss-file
    echo "| $1 | $(median < "$2") | $(sort -g "$2" | head -1) - $(sort -g "$2" | tail -1) | $(median < "$3") |"
}
for v in $variants; do
    case $v in
        streamed-*) block=kube_block; arg=${kubeconfig[SUPPORTED]} ;;
        paged-*) block=kube_block; arg=${kubeconfig[REJECTED]} ;;
        etcd-*) block=etcd_block; arg=$etcd_url ;;
    esac
    case $v in *-noaot) aot=off ;; *) aot=on ;; esac
    : > "$work/times"; : > "$work/rss"; : > "$work/base-times"; : > "$work/base-rss"
    for _ in $(seq 1 "$runs"); do
        read -r t r < <(once "$dist" "$block" "$arg" "$aot")
        echo "$t" >> "$work/times"; echo "$r" >> "$work/rss"
        if [ -n "$baseline" ]; then
            read -r t r < <(once "$baseline" "$block" "$arg" "$aot")
            echo "$t" >> "$work/base-times"; echo "$r" >> "$work/base-rss"
        fi
    done
    row "$v" "$work/times" "$work/rss"
    [ -z "$baseline" ] || row "$v (baseline)" "$work/base-times" "$work/base-rss"
done
