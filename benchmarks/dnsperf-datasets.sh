#!/usr/bin/env bash
# Data-set scenarios on 127.0.0.1, kdns beside knotd in the same run, under dnsperf at saturation
# and at a fixed rate:
#   etcd        a real etcd holding N SkyDNS names (/skydns/local/bench/svcNNNNN), served by kdns's
#               etcd plugin (zone bench.local); knotd serves a zone file with the same A records.
#   kubernetes  the fake API server of test-support (FakeClusterMain in benchmarks.jar) holding
#               N ClusterIP Services and 5*N endpoints (one EndpointSlice per Service), served by
#               kdns's kubernetes plugin (zone cluster.local); knotd serves the Services' A records.
# The query file of each scenario is the N names in random order plus N/4 names that do not exist
# (NXDOMAIN: 20% of the queries). Before measuring, each server is checked to give the same answer
# for one existing and one missing name.
#   dnsperf-datasets.sh DIST [SECONDS] [RATE]
# The saturation queries/s and the fixed-rate CPU per query of kdns against knotd are each measured
# in ROUNDS interleaved rounds (kdns, knotd in one round, knotd, kdns in the next, ...) of
# SATURATION_SECONDS and FIXED_SECONDS each, and each ratio line gives the median of the rounds'
# ratios and their range: knotd's own CPU figure for a single 10 s run moved 1.02-1.72 between make
# bench runs on this shared 2-core machine, and the kubernetes saturation ratio of single 10 s runs
# 0.97-1.23, more than the gaps measured. The k3s chain's rows are single runs of the same lengths.
# Environment: ROUNDS (default 3), SATURATION_SECONDS (default 8/10 of SECONDS, rounded up: 3 rounds
# add about 28 s per scenario to make bench), FIXED_SECONDS (default 7/10 of SECONDS, rounded up),
# JDK (a JDK 21+ home for FakeClusterMain; default build/find-jdk.sh), NAMES
# (default 10000), KUBE_HEAP (kdns's -Xmx for the kubernetes scenario when the launcher's default
# heap is too small to sync it; default 256m), SCENARIOS (default "etcd kubernetes": which to run),
# KDNS_JAVA_OPTS (added JVM options of kdns, e.g. a JFR recording while profiling), WATCH_LIST
# (SUPPORTED, the default: the fake API server streams lists; REJECTED: it refuses them, as servers
# without the WatchList feature do, and kdns lists in pages). Prints one table (queries/s, average latency, server CPU seconds per 100k
# queries with the kernel's share of them (cpu-split.py; as root), RSS, lost, response codes), the kdns/knotd ratios per scenario and the start-up lines
# (seconds from process start to /ready 200, RSS then), and appends it to results/latest.md.
# The start-up lines give the median of STARTS starts (default 3) with each start's seconds: one
# start's figure moved 0.57-1.17 s for etcd with whatever else held the 2 cores at that instant (60
# starts, earlier.md s18-C); the rows are measured on the last start's process.
# Every process it starts is stopped (by PID). Each server's first fixed-rate round is measured after
# FIXED_WARMUP seconds (default 3; 0: none) at the same rate, as in dnsperf-compare.sh: the row measures
# the steady state, not the JIT's recompilation after the saturation row's branch profile (later rounds
# follow a run at the same rate).
set -euo pipefail
dist=${1:?usage: dnsperf-datasets.sh DIST [SECONDS] [RATE]}
secs=${2:-10}
rate=${3:-20000}
rounds=${ROUNDS:-3}
fixed_secs=${FIXED_SECONDS:-$(( (secs * 7 + 9) / 10 ))}
sat_secs=${SATURATION_SECONDS:-$(( (secs * 8 + 9) / 10 ))}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, not '$rounds'" >&2; exit 2; }
[[ $fixed_secs =~ ^[1-9][0-9]*$ ]] || { echo "FIXED_SECONDS must be a positive integer, not '$fixed_secs'" >&2; exit 2; }
[[ $sat_secs =~ ^[1-9][0-9]*$ ]] || { echo "SATURATION_SECONDS must be a positive integer, not '$sat_secs'" >&2; exit 2; }
names=${NAMES:-10000}
starts=${STARTS:-3}
[[ $starts =~ ^[1-9][0-9]*$ ]] || { echo "STARTS must be a positive integer, not '$starts'" >&2; exit 2; }
warmup=${FIXED_WARMUP:-3}
scenarios=" ${SCENARIOS:-etcd kubernetes} "
want() { [[ $scenarios == *" $1 "* ]]; }
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar="$here/target/benchmarks.jar"
. "$here/processes.sh" kdns-bench-data
need_dist_jar_jdk etcd knotd dnsperf dig curl python3

# The kernel's share of a server's CPU over a run: from the threads' own tick samples (cpu-split.py
# explains why not from /proc/PID/stat's utime and stime, whose difference across a run can put the
# whole run on one side); "-" when taskstats cannot be read (it needs CAP_NET_ADMIN).
cpu_read() { python3 "$here/cpu-split.py" read "$1" > "$2" || rm -f "$2"; }
cpu_share() { if [ -f "$1" ] && [ -f "$2" ]; then python3 "$here/cpu-split.py" share "$1" "$2"; else echo "-"; fi; }
python3 "$here/cpu-split.py" test >/dev/null || { echo "cpu-split.py: its share() checks failed" >&2; exit 1; }

# "MEDIAN s (median of N starts: A B C)" from the starts' seconds, in the order they ran.
median_of_starts() {
    local median
    median=$(printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    if [ "$#" -eq 1 ]; then echo "$median s"; else echo "$median s (median of $# starts: $*)"; fi
}

check_same() { # kdns_port knotd_port existing_name missing_name
    local a b
    for q in "$3" "$4"; do
        a=$(dig @127.0.0.1 -p "$1" "$q" A +tries=2 +time=2 | awk '/status:/ {print $6} /^[^;].*[ \t]A[ \t]/ {print $NF}' | tr '\n' ' ')
        b=$(dig @127.0.0.1 -p "$2" "$q" A +tries=2 +time=2 | awk '/status:/ {print $6} /^[^;].*[ \t]A[ \t]/ {print $NF}' | tr '\n' ' ')
        [ "$a" = "$b" ] || fail "kdns and knotd differ for $q: kdns '$a', knotd '$b'"
    done
}

results=()
ratios=()
startups=()
# One mode's interleaved rounds of a scenario (the scenario function's six arguments first, then
# mode, the figure of run's results to collect (qps or cpu), and the names of the arrays that get
# kdns's and knotd's figures and each round's ratio). kdns runs first in odd rounds, knotd in even.
rounds_of() {
    local mode=$7 field=$8 r server
    local -n kdns_figures=$9 knotd_figures=${10} round_ratios=${11}
    for r in $(seq 1 "$rounds"); do
        for server in $( [ $((r % 2)) = 1 ] && echo kdns knotd || echo knotd kdns ); do
            if [ "$server" = kdns ]; then
                run "$1" kdns "$2" "$3" "$6" "$mode" "$mode $r/$rounds"
                eval "kdns_figures+=(\$r_${1}_kdns_${mode}_${field})"
            else
                run "$1" knotd "$4" "$5" "$6" "$mode" "$mode $r/$rounds"
                eval "knotd_figures+=(\$r_${1}_knotd_${mode}_${field})"
            fi
        done
        round_ratios+=("$(awk -v a="${kdns_figures[-1]}" -v b="${knotd_figures[-1]}" 'BEGIN { if (a+0>0 && b+0>0) printf "%.2f", a/b; else print "n/a" }')")
    done
}

run() { # scenario server pid port queries mode [label]
    local scen=$1 name=$2 pid=$3 port=$4 queries=$5 mode=$6 label=${7:-$6} extra=() len=$sat_secs
    [ "$mode" = "fixed" ] && { extra=(-Q "$rate" -v); len=$fixed_secs; }
    local before after out qps lat completed lost cpu100k sys_share codes
    # Warmed up after the saturation runs only: a later round's server has just run at this rate.
    if [ "$mode" = "fixed" ] && [ "$warmup" -gt 0 ] && [[ $label == fixed || $label == "fixed 1/"* ]]; then
        dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -l "$warmup" -c 4 -q 500 -Q "$rate" >/dev/null 2>&1 || true
    fi
    before=$(cpu_ticks "$pid"); cpu_read "$pid" "$work/split-before"
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -l "$len" -c 4 -q 500 "${extra[@]}" 2>&1)
    after=$(cpu_ticks "$pid"); cpu_read "$pid" "$work/split-after"
    qps=$(echo "$out" | awk '/Queries per second/ {printf "%.0f", $4}')
    lat=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4*1000}')
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
    codes=$(echo "$out" | awk '/Response codes:/ {sub(/.*Response codes: */, ""); print}')
    cpu100k=$(awk -v t=$((after-before)) -v hz="$ticks" -v n="$completed" 'BEGIN { if (n>0) printf "%.2f", (t/hz)/n*100000; else print "n/a" }')
    sys_share=$(cpu_share "$work/split-before" "$work/split-after")
    results+=("| $scen | $name | $label | $qps | $lat | $(percentiles "$out") | $cpu100k ($sys_share kernel) | $(rss_mib "$pid") | $lost | $codes |")
    eval "r_${scen}_${name}_${mode}_qps=$qps; r_${scen}_${name}_${mode}_cpu=$cpu100k"
}
measure() { # scenario kdns_pid kdns_port knotd_pid knotd_port queries
    # Warm kdns's JIT before measuring.
    dnsperf -s 127.0.0.1 -p "$3" -d "$6" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true
    # Saturation, then the fixed rate, each in interleaved rounds, the order reversed every other
    # round so that neither server always runs first; a ratio per round (the two runs, seconds apart,
    # see much the same machine), then the median of the ratios. At saturation dnsperf and the server
    # share the 2 cores, so a single run's ratio moved 0.97-1.23 between make bench runs.
    local s=$1 kqs=() nqs=() sper=() kcs=() ncs=() per=()
    rounds_of "$@" saturation qps kqs nqs sper
    rounds_of "$@" fixed cpu kcs ncs per
    # The kdns figures others are compared with (the k3s chain): the medians of its rounds.
    eval "r_${s}_kdns_saturation_qps=$(median "${kqs[@]}")"
    eval "r_${s}_kdns_fixed_cpu=$(median "${kcs[@]}")"
    ratios+=("$(ratio_line "$s" "saturation queries/s" "$sat_secs" "queries/s" sper kqs nqs)")
    ratios+=("$(ratio_line "$s" "CPU per query at the fixed rate" "$fixed_secs" "s / 100k queries" per kcs ncs)")
}
ratio_line() { # scenario what seconds unit per_round_ratios_var kdns_values_var knotd_values_var
    local -n rs=$5 ks=$6 ns=$7
    if [[ " ${rs[*]} " == *" n/a "* ]]; then
        echo "$1: kdns or knotd $2 not measurable in a round (ratios per round: ${rs[*]})"
    else
        local km nm; km=$(median "${ks[@]}"); nm=$(median "${ns[@]}")
        [ "$4" = "queries/s" ] && { km=$(printf '%.0f' "$km"); nm=$(printf '%.0f' "$nm"); }
        echo "$1: ratio kdns/knotd, $2: $(median "${rs[@]}") (median of $rounds interleaved rounds of $3 s, range $(printf '%s\n' "${rs[@]}" | sort -g | head -1)-$(printf '%s\n' "${rs[@]}" | sort -g | tail -1); per round ${rs[*]}; medians kdns $km, knotd $nm $4)"
    fi
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Data: names, addresses, zone files and query files (Python for speed and a seeded shuffle).
python3 - "$work" "$names" <<'PY'
import random, sys
work, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
def qfile(path, present, missing):
    qs = [q + " A" for q in present + missing]
    rnd.shuffle(qs)
    open(path, "w").write("\n".join(qs) + "\n")
soa = "@ SOA ns.{0}. hostmaster.{0}. 1 7200 1800 86400 30\n@ NS ns.{0}.\nns A 127.0.0.1\n"
# etcd: svcNNNNN.bench.local -> 10.1.x.y
with open(work + "/etcd-names.txt", "w") as f:
    for i in range(n):
        f.write("svc%05d 10.%d.%d.%d\n" % (i, 1 + (i >> 16), (i >> 8) & 255, i & 255))
lines = [l.split() for l in open(work + "/etcd-names.txt")]
with open(work + "/bench.local.zone", "w") as z:
    z.write("$ORIGIN bench.local.\n$TTL 60\n" + soa.format("bench.local"))
    for name, ip in lines:
        z.write("%s 60 A %s\n" % (name, ip))
qfile(work + "/etcd.queries", [name + ".bench.local" for name, _ in lines],
      ["nosuch%05d.bench.local" % i for i in range(n // 4)])
PY

# ------------------------------------------------------------------------------------- etcd
if want etcd; then
ecport=$(free_port); epport=$(free_port); kport=$(free_port); rport=$(free_port); kready=$(free_port)
etcd --name bench --data-dir "$work/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ecport" --advertise-client-urls "http://127.0.0.1:$ecport" \
    --listen-peer-urls "http://127.0.0.1:$epport" --initial-advertise-peer-urls "http://127.0.0.1:$epport" \
    --initial-cluster "bench=http://127.0.0.1:$epport" --initial-cluster-state new \
    --max-txn-ops 1000 --log-level error > "$work/etcd.log" 2>&1 &
etcd_pid=$!; pids+=("$etcd_pid")
for _ in $(seq 1 100); do
    curl -sf --max-time 1 "http://127.0.0.1:$ecport/health" 2>/dev/null | grep -q '"true"' && break
    kill -0 "$etcd_pid" 2>/dev/null || fail "etcd exited"
    sleep 0.1
done
curl -sf --max-time 1 "http://127.0.0.1:$ecport/health" | grep -q '"true"' || fail "etcd is not healthy"
load_start=$(now)
python3 - "$work/etcd-names.txt" "http://127.0.0.1:$ecport/v3/kv/txn" <<'PY'
import base64, json, sys, urllib.request
names = [l.split() for l in open(sys.argv[1])]
b64 = lambda s: base64.b64encode(s.encode()).decode()
for start in range(0, len(names), 1000):
    ops = [{"requestPut": {"key": b64("/skydns/local/bench/" + name),
                           "value": b64(json.dumps({"host": ip, "ttl": 60}))}}
           for name, ip in names[start:start + 1000]]
    req = urllib.request.Request(sys.argv[2], data=json.dumps({"success": ops}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = json.load(r)
        if "header" not in body:
            sys.exit("etcd txn failed: %s" % body)
PY
load_secs=$(awk -v s="$load_start" -v n="$(now)" 'BEGIN { printf "%.1f", n - s }')
cat > "$work/Corefile.etcd" <<COREFILE
bench.local:$kport {
    bind 127.0.0.1
    ready 127.0.0.1:$kready
    etcd bench.local {
        endpoint http://127.0.0.1:$ecport
    }
}
COREFILE
ready_secs=()
for start in $(seq 1 "$starts"); do
    k_start=$(now)
    "$dist/bin/kdns" -conf "$work/Corefile.etcd" -quiet > "$work/kdns-etcd.log" 2>&1 &
    kpid=$!; pids+=("$kpid")
    wait_ready "$kpid" "$kready" 60 || fail "kdns (etcd) exited before /ready"
    ready_secs+=("$(since "$k_start")")
    [ "$start" -lt "$starts" ] && stop "$kpid"
done
start_knotd etcd bench.local "$work/bench.local.zone" "$rport"; knot_pid=$started
startups+=("etcd: kdns from process start to /ready 200: $(median_of_starts "${ready_secs[@]}"), RSS then $(rss_mib "$kpid") MiB ($names keys loaded into etcd in ${load_secs} s)")
wait_answer "$rport" svc00000.bench.local
check_same "$kport" "$rport" svc00000.bench.local nosuch00000.bench.local
etcd_before=$(cpu_ticks "$etcd_pid")
measure etcd "$kpid" "$kport" "$knot_pid" "$rport" "$work/etcd.queries"
etcd_after=$(cpu_ticks "$etcd_pid")
startups+=("etcd: CPU used by etcd itself during the etcd runs: $(awk -v t=$((etcd_after-etcd_before)) -v hz="$ticks" 'BEGIN { printf "%.2f", t/hz }') s (kdns answers from memory; the watch stays open)")
stop "$kpid"; stop "$knot_pid"; stop "$etcd_pid"
fi

# ------------------------------------------------------------------------------- kubernetes
if want kubernetes; then
endpoints=$((names * 5))
mkdir -p "$work/kube"
"$jdk/bin/java" -XX:+UseSerialGC -Xmx512m -cp "$jar" kdns.benchmarks.FakeClusterMain \
    "$work/kube" "$names" "$endpoints" > "$work/fakeapi.log" 2>&1 &
api_pid=$!; pids+=("$api_pid")
wait_fake_cluster "$api_pid" "$work/fakeapi.log" 60
kube_dataset "$names"
kport=$(free_port); rport=$(free_port); kready=$(free_port); kmetrics=$(free_port)
kube_corefile "$kport" "$kready" "$kmetrics" "$work/kube/kubeconfig" > "$work/Corefile.kube"
# First with the launcher's own heap settings; when kdns dies before it is ready (the sync of a
# large cluster can need more heap than the launcher's default), again with -Xmx$KUBE_HEAP.
kube_heap=${KUBE_HEAP:-256m}
launcher_heap=$(grep -v '^ *#' "$dist/bin/kdns" | grep -o -- '-Xmx[0-9]*[kmgKMG]' | head -1 || true)
launcher_heap=${launcher_heap:-heap sized from the data}
for attempt in default larger; do
    # Native memory tracking (summary: a few hundred KiB) for the NMT table below.
    opts="-XX:NativeMemoryTracking=summary ${KDNS_JAVA_OPTS:-}"
    [ "$attempt" = larger ] && opts="$opts -Xmx$kube_heap"
    ready_secs=(); synced=yes
    for start in $(seq 1 "$starts"); do
        k_start=$(now)
        KDNS_JAVA_OPTS="$opts" "$dist/bin/kdns" -conf "$work/Corefile.kube" -quiet > "$work/kdns-kube-$attempt.log" 2>&1 &
        kpid=$!; pids+=("$kpid")
        wait_ready "$kpid" "$kready" 120 || { synced=no; break; }
        ready_secs+=("$(since "$k_start")")
        [ "$start" -lt "$starts" ] && stop "$kpid"
    done
    if [ "$synced" = yes ]; then
        heap_used=${launcher_heap}; [ "$attempt" = larger ] && heap_used="-Xmx$kube_heap"
        kube_opts=$opts
        ready_line="kubernetes: kdns ($heap_used) from process start to /ready 200 ($names Services, $endpoints endpoints in $names EndpointSlices): $(median_of_starts "${ready_secs[@]}"), RSS after sync $(rss_mib "$kpid") MiB"
        # The JVM frees the JIT compilers' pooled work memory every 5 s (12-13 MiB at this point
        # with 10,000 Services), so the RSS at ready and the settled one are both worth a figure.
        sleep 6
        startups+=("$ready_line, $(rss_mib "$kpid") MiB 6 s later")
        break
    fi
    [ "$attempt" = larger ] && fail "kdns (kubernetes) exited before /ready with -Xmx$kube_heap"
    startups+=("kubernetes: kdns with the launcher's heap ($launcher_heap) exited before /ready after $(since "$k_start") s: $(grep -v '^\[INFO\]' "$work/kdns-kube-$attempt.log" | tail -n 1); measured below with -Xmx$kube_heap")
    wait "$kpid" 2>/dev/null || true
done
start_knotd kube cluster.local "$work/cluster.local.zone" "$rport"; knot_pid=$started
wait_answer "$rport" svc00000.bench.svc.cluster.local
check_same "$kport" "$rport" svc00000.bench.svc.cluster.local nosuch00000.bench.svc.cluster.local
measure kubernetes "$kpid" "$kport" "$knot_pid" "$rport" "$work/kube.queries"
# What kdns asked of the API server over the whole run (sync, then every measurement): the fake API
# server streams lists, so no LIST and one WATCH per kind (the streaming list, which goes on as the
# watch) is the target (a server that does not stream lists: one LIST and two WATCHes, the streaming
# list tried and the watch); more means relists or broken watches.
api_counts=$(python3 - "$kmetrics" <<'PY'
import re, sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10).read().decode()
out = []
for metric, label in (("kdns_kubernetes_api_list_total", "LIST"), ("kdns_kubernetes_api_watch_total", "WATCH")):
    for m in re.finditer(r'^%s\{resource="([^"]+)"\} ([0-9.e+]+)$' % metric, text, re.M):
        out.append("%s %s %d" % (label, m.group(1), float(m.group(2))))
print(", ".join(out) if out else "no kdns_kubernetes_api_* metrics in the scrape")
PY
) || api_counts="the scrape of /metrics failed"
startups+=("kubernetes: API requests over the run: $api_counts")
# Where kdns's memory goes after the measurements: NMT's committed memory by area, and the RSS split.
jcmd=$dist/runtime/bin/jcmd; [ -x "$jcmd" ] || jcmd=$jdk/bin/jcmd
nmt=$("$jcmd" "$kpid" VM.native_memory summary 2>&1 || true)
nmt_line=$(echo "$nmt" | awk '
    /^Total:/ { match($0, /committed=[0-9]+KB/); printf "total %.1f", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
    /^-  *[A-Za-z]/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); match($0, /committed=[0-9]+KB/)
                      v = substr($0, RSTART + 10, RLENGTH - 12) / 1024; if (v >= 0.5) printf ", %s %.1f", name, v }')
startups+=("kubernetes: kdns's memory after the runs, NMT committed MiB (-XX:NativeMemoryTracking=summary): ${nmt_line:-not available}; RSS $(rss_mib "$kpid") MiB ($(awk '/RssAnon|RssFile/ {printf "%s%s %.1f MiB", sep, $1, $2/1024; sep=", "}' "/proc/$kpid/status"))")
stop "$kpid"
# The k3s chain: hosts (a NodeHosts file, fallthrough) and rewrite (a rule that matches none of the
# queries) in front of the same kubernetes plugin; every query passes both before kubernetes answers.
printf '10.0.0.1 node-1\n10.0.0.2 node-2\n10.0.0.3 node-3\n' > "$work/NodeHosts"
cport=$(free_port); cready=$(free_port)
cat > "$work/Corefile.k3s" <<COREFILE
cluster.local:$cport {
    bind 127.0.0.1
    ready 127.0.0.1:$cready
    rewrite name exact legacy.example. svc00000.bench.svc.cluster.local.
    hosts $work/NodeHosts {
        ttl 60
        reload 15s
        fallthrough
    }
    kubernetes cluster.local {
        kubeconfig $work/kube/kubeconfig
    }
}
COREFILE
KDNS_JAVA_OPTS="$kube_opts" "$dist/bin/kdns" -conf "$work/Corefile.k3s" -quiet > "$work/kdns-k3s.log" 2>&1 &
cpid=$!; pids+=("$cpid")
wait_ready "$cpid" "$cready" 120 || fail "kdns (k3s chain) did not become ready"
check_same "$cport" "$rport" svc00000.bench.svc.cluster.local nosuch00000.bench.svc.cluster.local
dnsperf -s 127.0.0.1 -p "$cport" -d "$work/kube.queries" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true
for mode in saturation fixed; do
    run k3s_chain kdns "$cpid" "$cport" "$work/kube.queries" "$mode"
done
ratios+=("$(awk -v a="$r_k3s_chain_kdns_saturation_qps" -v b="$r_kubernetes_kdns_saturation_qps" 'BEGIN { printf "k3s chain (rewrite, hosts, kubernetes): ratio to the plain kubernetes chain, saturation queries/s: %.2f (target >= 0.90)", a/b }')")
ratios+=("$(awk -v a="$r_k3s_chain_kdns_fixed_cpu" -v b="$r_kubernetes_kdns_fixed_cpu" 'BEGIN { if (b>0) printf "k3s chain: ratio to the plain kubernetes chain, CPU per query at the fixed rate: %.2f", a/b }')")
stop "$cpid"; stop "$knot_pid"; stop "$api_pid"
fi

{
    echo
    echo "## Data sets: kdns etcd and kubernetes plugins vs knotd with the same records, dnsperf on 127.0.0.1 ($(nproc) cores, saturation in $rounds interleaved rounds of ${sat_secs}s, fixed rate $rate qps in $rounds interleaved rounds of ${fixed_secs}s, the first after ${warmup}s at that rate, $names names + 20% NXDOMAIN in random order)"
    echo
    echo "| scenario | server | mode | queries/s | avg latency ms | p50 / p99 ms | server CPU s / 100k queries | RSS MiB | lost | response codes |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${results[@]}"
    echo
    printf '%s\n' "${ratios[@]}"
    echo
    printf '%s\n' "${startups[@]}"
} | tee "$work/table.md"
mkdir -p "$here/results"
cat "$work/table.md" >> "$here/results/latest.md"
