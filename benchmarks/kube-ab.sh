#!/usr/bin/env bash
# A/B of kdns distributions on the kubernetes data set of dnsperf-datasets.sh (the fake API server
# with 10,000 ClusterIP Services and 50,000 endpoints, the same Corefile and query file: the
# Services in random order plus 20% NXDOMAIN), all served by one fake API server, beside knotd:
#   kube-ab.sh DIST... (k1 is the first, k2 the second, ...)
# MODE=ab (default): ROUNDS (4) rounds of dnsperf (-c 4 -q 500) at saturation for SAT (8) s, then at
# 20k q/s for FIX (7) s, against the servers of ORDER (default every distribution given, then knotd: "k1 k2 knot"), the order reversed every other
# round; one line per run: queries/s answered per second of sending, user and user+system CPU s per
# 100k queries (from /proc ticks: the user/system split of a 7 s run moves by a few ticks).
# MODE=serve: starts them, writes "name pid port" lines to $STATE/servers (default /tmp/kube-ab) and
# the query file's path to $STATE/queries.path, and waits for $STATE/stop (for perf or JFR).
# Every process it starts is stopped (by PID). earlier.md s18-A.
set -euo pipefail
state=${STATE:-/tmp/kube-ab}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar=$here/target/benchmarks.jar
. "$here/processes.sh" kdns-kube-ab
names=10000; sat=${SAT:-8}; fix=${FIX:-7}; rounds=${ROUNDS:-4}; mode=${MODE:-ab}
mkdir -p "$work/kube"
"$jdk/bin/java" -XX:+UseSerialGC -Xmx512m -cp "$jar" kdns.benchmarks.FakeClusterMain "$work/kube" "$names" $((names*5)) > "$work/fakeapi.log" 2>&1 &
pids+=($!); wait_fake_cluster $! "$work/fakeapi.log" 60
kube_dataset "$names"
q=$work/kube.queries
declare -A PID PORT
i=0
for d in "$@"; do
  i=$((i+1)); p=$(free_port); r=$(free_port); m=$(free_port)
  kube_corefile "$p" "$r" "$m" "$work/kube/kubeconfig" > "$work/Corefile.$i"
  KDNS_JAVA_OPTS="${KDNS_JAVA_OPTS:-}" "$d/bin/kdns" -conf "$work/Corefile.$i" -quiet > "$work/kdns$i.log" 2>&1 &
  PID[k$i]=$!; PORT[k$i]=$p; pids+=($!)
  wait_ready $! "$r" 120 || fail "kdns $d died"
  echo "k$i = $d pid ${PID[k$i]} port $p"
done
kp=$(free_port); start_knotd kube cluster.local "$work/cluster.local.zone" "$kp"; PID[knot]=$started; PORT[knot]=$kp
wait_answer "$kp" svc00000.bench.svc.cluster.local
echo "knot pid $started port $kp queries $q"
for s in "${!PID[@]}"; do dnsperf -s 127.0.0.1 -p "${PORT[$s]}" -d "$q" -l 5 -c 4 -q 500 >/dev/null 2>&1 || true; done
if [ "$mode" = serve ]; then
  mkdir -p "$state"; echo "$q" > "$state/queries.path"; printf '%s\n' "${PID[@]}" > "$state/pids"
  for s in "${!PID[@]}"; do echo "$s ${PID[$s]} ${PORT[$s]}"; done > "$state/servers"
  while [ ! -e "$state/stop" ]; do sleep 1; done; rm -f "$state/stop"; exit 0
fi
one() { # server mode
  local s=$1 pid=${PID[$1]} extra=() len=$sat b a out done
  [ "$2" = fixed ] && { extra=(-Q 20000); len=$fix; }
  b=$(awk '{print $14, $15}' /proc/$pid/stat)
  out=$(dnsperf -s 127.0.0.1 -p "${PORT[$s]}" -d "$q" -l "$len" -c 4 -q 500 "${extra[@]}" 2>&1)
  a=$(awk '{print $14, $15}' /proc/$pid/stat)
  done=$(echo "$out" | awk '/Queries completed/ {print $3}')
  echo "$b $a" | awk -v s="$s" -v m="$2" -v n="$done" -v qps="$(answered_per_second "$out" "$len")" -v hz=$ticks '{u=($3-$1)/hz; k=($4-$2)/hz; printf "%s %s qps %.0f user/100k %.3f total/100k %.3f\n", s, m, qps, u/n*1e5, (u+k)/n*1e5}'
}
order=${ORDER:-$(seq -f "k%g" 1 $# | tr '\n' ' ')knot}
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then ord=$order; else ord=$(echo $order | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for m in saturation fixed; do
    for s in $ord; do echo -n "round $r "; one $s $m; done
  done
done
