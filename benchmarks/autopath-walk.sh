#!/usr/bin/env bash
# The autopath measurement: how many queries and round trips a pod's stub resolver (ndots:5, the
# kubelet's search list) spends on `svc.other-ns` from namespace `web`, against one kdns with
# `autopath @kubernetes` and the same kdns block without it. The fake API server
# (AutopathClusterMain in benchmarks.jar) holds the pod web/client at 127.0.0.1, where the queries
# come from, and the Service other-ns/svc. Writes results/autopath.md and prints it.
#   autopath-walk.sh DIST [WALKS]
# Environment: JDK (a JDK 21+ home; default build/find-jdk.sh). Every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: autopath-walk.sh DIST [WALKS]}
walks=${2:-2000}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar="$here/target/benchmarks.jar"
[ -x "$dist/bin/kdns" ] || { echo "no kdns distribution at $dist (make dist)" >&2; exit 1; }
[ -f "$jar" ] || { echo "no $jar (build the benchmarks module: make build)" >&2; exit 1; }
"$dist/bin/kdns" -plugins | grep -qE '^[[:space:]]*dns[.]autopath$' || { echo "the distribution at $dist has no autopath plugin" >&2; exit 1; }

. "$here/processes.sh" kdns-bench-autopath

"$jdk/bin/java" -XX:+UseSerialGC -Xmx128m -cp "$jar" kdns.benchmarks.AutopathClusterMain "$work" > "$work/fakeapi.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q '^ready' "$work/fakeapi.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$work/fakeapi.log" || fail "AutopathClusterMain did not start in 30s"

with=$(free_port); without=$(free_port); ready=$(free_port)
cat > "$work/Corefile" <<COREFILE
.:$with {
    bind 127.0.0.1
    ready 127.0.0.1:$ready
    autopath @kubernetes
    kubernetes cluster.local {
        pods verified
        kubeconfig $work/kubeconfig
    }
}
.:$without {
    bind 127.0.0.1
    kubernetes cluster.local {
        pods verified
        kubeconfig $work/kubeconfig
    }
}
COREFILE
"$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$ready/ready" 2>/dev/null)" = 200 ] && break
    sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$ready/ready")" = 200 ] || fail "kdns not ready in 30s"

search="web.svc.cluster.local svc.cluster.local cluster.local"
row() { # label port
    local out
    out=$("$jdk/bin/java" -cp "$jar" kdns.benchmarks.SearchPathWalk 127.0.0.1 "$2" 5 svc.other-ns "$walks" $search) \
        || fail "SearchPathWalk against port $2 failed"
    echo "$out" | awk -v l="$1" '{printf "| %s | %s | %s | %s | %s | %s |\n", l, $2, $4, $6, $8, $10}'
}
{
    echo "## autopath: svc.other-ns from a pod in namespace web (ndots:5, search $search), A+AAAA per candidate, $walks walks on 127.0.0.1"
    echo
    echo "| kdns | queries per lookup | round trips | p50 µs | p99 µs | answered by |"
    echo "|---|---|---|---|---|---|"
    row "autopath @kubernetes" "$with"
    row "without autopath" "$without"
} > "$work/autopath.md"
mkdir -p "$here/results"
cp "$work/autopath.md" "$here/results/autopath.md"
cat "$here/results/autopath.md"
