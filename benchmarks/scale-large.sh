#!/usr/bin/env bash
# The large Kubernetes scenario (make bench SCALE=large): the fake API server of test-support
# (FakeClusterMain in benchmarks.jar) holding SERVICES ClusterIP Services, ENDPOINTS endpoint
# addresses (one EndpointSlice per Service) and PODS running Pods, served by kdns's kubernetes
# plugin with `pods verified`. Measures, on 127.0.0.1:
#   ready       seconds from kdns's process start to /ready 200, RSS then
#   steady      RSS SETTLE_SECONDS after /ready (the figure the targets compare with), and the NMT
#               summary then (heap, class metadata, code cache, threads, GC, other)
#   relist      the fake API server restarts as a restarted kube-apiserver does (every watch dropped,
#               the next watch from an old version answered with 410 Gone), so kdns lists every
#               resource again while dnsperf sends RELIST_RATE queries/s (0: as fast as it can) of
#               existing names (Services and pods): the RSS peak (sampled every 0.1 s), the queries
#               per second over the relist's seconds (dnsperf's per-second figures), the queries lost
#               or answered other than NOERROR, and the relist's duration (until every resource's
#               initial-events-end bookmark arrived again, kdns_kubernetes_api_watch_events_total).
#   scale-large.sh DIST
# Environment: JDK (a JDK 21+ home for FakeClusterMain; default build/find-jdk.sh), SERVICES
# (100000), ENDPOINTS (500000), PODS (50000), RELIST_RATE (20000), SETTLE_SECONDS (10),
# KDNS_JAVA_OPTS (added JVM options of kdns), HISTOGRAM (N: print the heap's N largest classes). Prints the rows and appends them to results/latest.md.
# Every process it starts is stopped (by PID).
set -euo pipefail
dist=${1:?usage: scale-large.sh DIST}
services=${SERVICES:-100000}
endpoints=${ENDPOINTS:-500000}
pods=${PODS:-50000}
rate=${RELIST_RATE:-20000}
settle=${SETTLE_SECONDS:-10}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar="$here/target/benchmarks.jar"
. "$here/processes.sh" kdns-bench-large
need_dist_jar_jdk dnsperf dig curl python3

# The jcmd of kdns's own runtime when it has one (it attaches only to a JVM of its own release).
jcmd=$dist/runtime/bin/jcmd; [ -x "$jcmd" ] || jcmd=$jdk/bin/jcmd

# The fake API server reads its commands (relist) from a FIFO that this script holds open.
mkfifo "$work/fake.in"
mkdir -p "$work/kube"
"$jdk/bin/java" -XX:+UseParallelGC -Xmx6g -cp "$jar" kdns.benchmarks.FakeClusterMain \
    "$work/kube" "$services" "$endpoints" "$pods" < "$work/fake.in" > "$work/fakeapi.log" 2>&1 &
api_pid=$!; pids+=("$api_pid")
exec 3> "$work/fake.in"
wait_fake_cluster "$api_pid" "$work/fakeapi.log" 180
echo "fake API server: $(grep '^ready' "$work/fakeapi.log")"

# Queries: every Service and every pod (an A record of its dashed IP, which `pods verified` answers
# only for a pod that has that IP), in a seeded random order; all exist, so anything but NOERROR
# is a failed query.
python3 - "$work" <<'PY'
import random, sys
work = sys.argv[1]
qs = ["%s.bench.svc.cluster.local A" % l.split()[0] for l in open(work + "/kube/services.txt")]
qs += ["%s.bench.pod.cluster.local A" % l.strip().replace(".", "-") for l in open(work + "/kube/pods.txt")]
random.Random(44).shuffle(qs)
open(work + "/queries", "w").write("\n".join(qs) + "\n")
PY

kport=$(free_port); kready=$(free_port); kmetrics=$(free_port)
kube_corefile "$kport" "$kready" "$kmetrics" "$work/kube/kubeconfig" "pods verified" > "$work/Corefile"
k_start=$(now)
KDNS_JAVA_OPTS="-XX:NativeMemoryTracking=summary ${KDNS_JAVA_OPTS:-}" \
    "$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
kpid=$!; pids+=("$kpid")
wait_ready "$kpid" "$kready" 300 || fail "kdns exited before /ready"
ready_secs=$(since "$k_start"); ready_rss=$(rss_mib "$kpid")
sleep "$settle"
steady_rss=$(rss_mib "$kpid")
rss_kinds=$(awk '/RssAnon|RssFile|RssShmem/ {printf "%s%s %.1f MiB", sep, $1, $2/1024; sep=", "}' "/proc/$kpid/status")
nmt=$("$jcmd" "$kpid" VM.native_memory summary 2>&1 || true)
heap=$("$jcmd" "$kpid" GC.heap_info 2>&1 | grep -E 'total' | sed 's/^ *//' | tr '\n' ';' || true)
# HISTOGRAM=N: the N largest classes of the heap (a full collection first), for where the heap goes.
histogram=""
[ "${HISTOGRAM:-0}" -gt 0 ] && histogram=$("$jcmd" "$kpid" GC.class_histogram 2>&1 | sed -n "3,$((HISTOGRAM + 3))p;/^Total/p" || true)

svc=$(head -n 1 "$work/kube/services.txt"); pod=$(head -n 1 "$work/kube/pods.txt")
a=$(dig @127.0.0.1 -p "$kport" "${svc%% *}.bench.svc.cluster.local" A +short +tries=2 +time=2)
[ "$a" = "${svc##* }" ] || fail "kdns answered '$a' for ${svc%% *}, not ${svc##* }"
a=$(dig @127.0.0.1 -p "$kport" "${pod//./-}.bench.pod.cluster.local" A +short +tries=2 +time=2)
[ "$a" = "$pod" ] || fail "kdns answered '$a' for the pod $pod"

events() { # resource type: kdns's count of watch events of that type
    curl -s --max-time 5 "http://127.0.0.1:$kmetrics/metrics" | awk -v r="$1" -v t="$2" '
        $1 == "kdns_kubernetes_api_watch_events_total{resource=\"" r "\",type=\"" t "\"}" { printf "%d", $2; f = 1 }
        END { if (!f) print 0 }'
}
resources="services endpointslices pods namespaces"
declare -A bookmarks_before
for r in $resources; do bookmarks_before[$r]=$(events "$r" BOOKMARK); done

# RSS every 0.1 s until told to stop.
( while [ ! -f "$work/stop-sampling" ]; do
      printf '%s %s\n' "$(now)" "$(awk '/VmRSS/ {print $2}' "/proc/$kpid/status" 2>/dev/null || echo 0)"
      sleep 0.1
  done > "$work/rss.samples" ) &
sampler=$!; pids+=("$sampler")

# dnsperf runs for the relist and some seconds around it; the relist starts 3 s in.
perf_secs=${RELIST_SECONDS:-60}
rate_args=(); [ "$rate" != 0 ] && rate_args=(-Q "$rate")
dnsperf -s 127.0.0.1 -p "$kport" -d "$work/queries" -l "$perf_secs" -c 4 -q 500 -S 1 "${rate_args[@]}" \
    > "$work/dnsperf.out" 2>&1 &
perf_pid=$!; pids+=("$perf_pid")
sleep 3
relist_start=$(now)
echo relist >&3
done_all=""
while [ -z "$done_all" ]; do
    done_all=yes
    for r in $resources; do
        [ "$(events "$r" BOOKMARK)" -gt "${bookmarks_before[$r]}" ] || done_all=""
    done
    awk -v s="$relist_start" -v n="$(now)" -v l="$perf_secs" 'BEGIN { exit !(n - s > l - 4) }' && break
    [ -n "$done_all" ] || sleep 0.1
done
relist_end=$(now)
[ -n "$done_all" ] || fail "kdns had not listed every resource again $((perf_secs - 4)) s after the restart"
relist_secs=$(awk -v s="$relist_start" -v e="$relist_end" 'BEGIN { printf "%.2f", e - s }')
# The index takes the last objects from the delta queue after the bookmark: RSS a few seconds more.
sleep 5
touch "$work/stop-sampling"; wait "$sampler" 2>/dev/null || true
wait "$perf_pid" || true
after_rss=$(rss_mib "$kpid")
peak_rss=$(awk -v s="$relist_start" '$1 >= s && $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$work/rss.samples")
out=$(cat "$work/dnsperf.out")
lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
sent=$(echo "$out" | awk '/Queries sent/ {print $3}')
codes=$(echo "$out" | awk '/Response codes:/ {sub(/.*Response codes: */, ""); print}')
not_noerror=$(echo "$out" | awk '/Response codes:/ { n = 0; for (i = 3; i <= NF; i += 2) if ($i != "NOERROR") n += $(i+1); print n }')
# dnsperf's per-second lines ("EPOCH: QPS") whose second ends inside the relist.
during=$(echo "$out" | awk -v s="$relist_start" -v e="$relist_end" '
    $1 ~ /^[0-9]+\.[0-9]+:$/ { t = $1 + 0; if (t > s && t - 1 < e) { n++; sum += $2; if (min == "" || $2 < min) min = $2 } }
    END { if (n) printf "%.0f average, %.0f lowest second (%d seconds)", sum / n, min, n; else print "no whole second inside the relist" }')
api_restart=$(grep '^relisted' "$work/fakeapi.log" | tail -n 1 || true)

nmt_rows=$(echo "$nmt" | awk '
    /^Total:/ { match($0, /committed=[0-9]+KB/); printf "| total | %.1f |\n", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
    /^-  *[A-Za-z]/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); match($0, /committed=[0-9]+KB/)
                      v = substr($0, RSTART + 10, RLENGTH - 12) / 1024; if (v >= 0.5) printf "| %s | %.1f |\n", name, v }')
{
    echo
    echo "## Large Kubernetes scenario (benchmarks/scale-large.sh, make bench SCALE=large): $services Services, $endpoints endpoints in $services EndpointSlices, $pods pods, pods verified ($(nproc) cores)"
    echo
    echo "| figure | kdns | target |"
    echo "|---|---|---|"
    echo "| process start to /ready 200 | $ready_secs s (RSS then $ready_rss MiB) | - |"
    echo "| RSS ${settle} s after /ready (steady) | $steady_rss MiB ($rss_kinds) | <= 327 MiB (half of CoreDNS's (pods + services)/1000 + 54 MB) |"
    echo "| RSS peak during the relist (410 Gone after an API server restart) | $peak_rss MiB, ratio to steady $(awk -v a="$peak_rss" -v b="$steady_rss" 'BEGIN { printf "%.2f", a / b }') | <= 1.20 |"
    echo "| RSS 5 s after the relist | $after_rss MiB | - |"
    echo "| relist: restart to every resource's initial-events-end bookmark | $relist_secs s | - |"
    echo "| queries/s during the relist (dnsperf, $( [ "$rate" = 0 ] && echo "as fast as it can" || echo "asked $rate/s")) | $during | - |"
    echo "| failed queries over the whole dnsperf run ($sent sent) | $lost lost, $not_noerror not NOERROR ($codes) | 0 |"
    echo
    echo "kdns's JVM: $heap"
    echo "fake API server: $api_restart"
    echo
    echo "NMT summary of kdns ${settle} s after /ready (committed MiB; -XX:NativeMemoryTracking=summary):"
    echo
    echo "| area | committed MiB |"
    echo "|---|---|"
    echo "$nmt_rows"
    if [ -n "$histogram" ]; then echo; echo "Heap histogram ${settle} s after /ready (jcmd GC.class_histogram):"; echo; echo '```'; echo "$histogram"; echo '```'; fi
} | tee "$work/table.md"
mkdir -p "$here/results"
cat "$work/table.md" >> "$here/results/latest.md"
