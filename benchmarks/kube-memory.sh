#!/usr/bin/env bash
# Memory of the kubernetes scenario, variant beside variant: kdns against the fake API server of
# test-support (FakeClusterMain in benchmarks.jar) holding N Services and 5*N endpoints, one run
# per variant per round, the variants interleaved round by round (the machine is noisy: compare
# figures of the same round). Each run: process start to /ready 200, RSS at ready (anonymous /
# file-backed), RSS SETTLE seconds later (default 6: the JVM frees the JIT compilers' pooled work
# memory every 5 s and the launcher trims malloc every second, so the RSS at the instant of ready
# holds 12-13 MiB of it with 10,000 Services), a 5 s warm-up and a 10 s dnsperf run at a fixed
# rate, the server CPU per 100k queries and p99 of that run, RSS after it.
#   kube-memory.sh [ROUNDS]
# VARIANTS: one variant a line, "name|dist|KDNS_JAVA_OPTS[|ENV=value ...]" (dist: a distribution
# folder; the options are added to the launcher's, after them, so they replace them; the optional
# fourth field sets environment variables of the launcher, e.g. KDNS_AOT=off). Default: one variant,
# "launcher|DIST|" with DIST from the environment. Environment: NAMES (default 10000), RATE
# (default 20000), LOAD=0 (no dnsperf: ready time and the RSS at ready and SETTLE s later only, for more rounds), HISTO=1 (each run ends with the live heap and its
# HISTO_TOP largest classes, jcmd GC.class_histogram, after the other figures), NMT=1 (each run also prints NMT's committed memory by area at ready and after
# the load: -XX:NativeMemoryTracking=summary, which itself takes 1-2 MiB), JCMD_AT_READY (a jcmd command run right after the
# figures of the instant of ready, its first JCMD_LINES (40) lines printed; e.g. "Compiler.memory" with the option
# -XX:CompileCommand=MemStat,*.*,collect: the compilations with the largest arenas), THREADS=1 (each run also prints the CPU seconds
# each thread used by ready, the threads grouped by name with their numbers dropped, and the fake API server's CPU seconds from the start to ready: who competes for the 2 cores), JDK (a JDK 21+ home for
# FakeClusterMain; default build/find-jdk.sh), FAKE_JAVA_OPTS (more JVM options of FakeClusterMain, e.g. a GC log),
# FAKE_WARMUP (how often FakeClusterMain reads its own lists before it reports ready, default 3: a cold
# fake server's JIT took up to a core-second of the first kdns start). Every process it starts is stopped.
set -euo pipefail
rounds=${1:-2}
names=${NAMES:-10000}
rate=${RATE:-20000}
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-$("$here/../build/find-jdk.sh")}
jar="$here/target/benchmarks.jar"
variants=${VARIANTS:-"launcher|${DIST:?set VARIANTS or DIST}|"}
. "$here/processes.sh" kdns-bench-memory
while IFS='|' read -r _ d _; do
    [ -n "$d" ] || continue
    dist=$d need_dist_jar_jdk dnsperf curl python3
done <<< "$variants"

mkdir -p "$work/kube"
# shellcheck disable=SC2086 # FAKE_JAVA_OPTS is a list of options
"$jdk/bin/java" -XX:+UseSerialGC -Xmx512m ${FAKE_JAVA_OPTS:-} -cp "$jar" kdns.benchmarks.FakeClusterMain \
    "$work/kube" "$names" $((names * 5)) > "$work/fakeapi.log" 2>&1 &
api_pid=$!; pids+=("$api_pid")
wait_fake_cluster "$api_pid" "$work/fakeapi.log" 60
kube_dataset "$names"

rss_split() { awk '/RssAnon/ {a = $2} /RssFile/ {f = $2} END {printf "%.1f / %.1f", a / 1024, f / 1024}' "/proc/$1/status"; }
histo() { # jcmd: with HISTO=1, the live heap (a full collection first) and its largest classes, as the last step of a run
    [ "${HISTO:-0}" = 1 ] || return 0
    "$1" "$pid" GC.class_histogram 2>/dev/null | awk -v top="${HISTO_TOP:-12}" '
        /^Total/ { printf "    live heap %.2f MiB in %d objects\n", $3 / 1048576, $2 }
        /^ *[0-9]+:/ && NF >= 4 && n < top { n++; printf "      %8.0f KiB %8d  %s\n", $3 / 1024, $2, $4 }'
}
nmt() { # pid label: NMT committed MiB by area (areas of 0.5 MiB and more)
    [ "${NMT:-0}" = 1 ] || return 0
    echo "    NMT $1: $("$2" "$pid" VM.native_memory summary 2>&1 | awk '
        /^Total:/ { match($0, /committed=[0-9]+KB/); printf "total %.1f", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
        /^-  *[A-Za-z]/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); match($0, /committed=[0-9]+KB/)
                          v = substr($0, RSTART + 10, RLENGTH - 12) / 1024; if (v >= 0.5) printf ", %s %.1f", name, v }')"
}
threads() { # pid: CPU seconds by thread group at this instant (THREADS=1), largest first
    [ "${THREADS:-0}" = 1 ] || return 0
    local t
    for t in /proc/"$1"/task/*; do
        # comm may hold spaces: the fields after its closing parenthesis
        awk -v hz="$ticks" -v comm="$(cat "$t/comm" 2>/dev/null)" '{ sub(/^.*\) /, ""); print comm "\t" ($12 + $13) / hz }' "$t/stat" 2>/dev/null
    done | awk -F'\t' '{ n = $1; gsub(/[0-9]+$/, "", n); gsub(/-+$/, "", n); s[n] += $2; all += $2 }
        END { printf "    CPU s by ready: total %.2f", all; for (k in s) if (s[k] >= 0.01) printf "\n%.2f %s", s[k], k }' \
        | { IFS= read -r head; echo "$head"; sort -rn | awk '{ v = $1; $1 = ""; printf "      %5.2f %s\n", v, substr($0, 2) }'; }
}
p99() { awk '$1 == ">" && NF == 5 && $5 ~ /^[0-9.]+$/ {print $5}' | sort -g \
    | awk '{v[NR] = $1} END { if (NR == 0) print "-"; else { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", v[i] * 1000 } }'; }

once() { # name dist opts env
    local name=$1 d=$2 opts=$3 envs=$4 port kready start pid ready_s at_ready before after out completed lost jcmd
    port=$(free_port); kready=$(free_port)
    printf 'cluster.local:%s {\n    bind 127.0.0.1\n    ready 127.0.0.1:%s\n    kubernetes cluster.local {\n        kubeconfig %s\n    }\n}\n' \
        "$port" "$kready" "$work/kube/kubeconfig" > "$work/Corefile"
    [ "${NMT:-0}" = 1 ] && opts="-XX:NativeMemoryTracking=summary $opts"
    jcmd=$d/runtime/bin/jcmd; [ -x "$jcmd" ] || jcmd=$jdk/bin/jcmd
    local api_before; api_before=$(cpu_ticks "$api_pid")
    start=$(now)
    # shellcheck disable=SC2086 # envs is a list of words
    env $envs KDNS_JAVA_OPTS="$opts" "$d/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
    pid=$!; pids+=("$pid")
    wait_ready "$pid" "$kready" 120 || fail "kdns ($name) exited before /ready"
    ready_s=$(since "$start")
    at_ready="$(rss_mib "$pid") ($(rss_split "$pid"))"
    local threads_ready; threads_ready=$(threads "$pid")
    [ -z "$threads_ready" ] || threads_ready="$threads_ready
    $(awk -v t=$(($(cpu_ticks "$api_pid") - api_before)) -v hz="$ticks" 'BEGIN { printf "(the fake API server used %.2f CPU s meanwhile)", t / hz }')"
    local nmt_ready; nmt_ready=$(nmt ready "$jcmd")
    local extra_ready=""
    if [ -n "${JCMD_AT_READY:-}" ]; then # after the figures of the instant of ready, so it cannot move them
        # shellcheck disable=SC2086 # a command and its arguments
        extra_ready=$("$jcmd" "$pid" $JCMD_AT_READY 2>&1 | sed 's/^/    /' | head -n "${JCMD_LINES:-40}" || true) # head may close the pipe first
    fi
    sleep "${SETTLE:-6}"
    local settled; settled="$(rss_mib "$pid") ($(rss_split "$pid"))"
    if [ "${LOAD:-1}" = 0 ]; then
        echo "| $name | $ready_s | $at_ready | $settled | - | - | - | - | $(ls "/proc/$pid/task" | wc -l) |"
        [ -z "$threads_ready" ] || echo "$threads_ready"
        [ -z "$nmt_ready" ] || echo "$nmt_ready"
        [ -z "$extra_ready" ] || echo "$extra_ready"
        histo "$jcmd"
        stop "$pid"; return
    fi
    dnsperf -s 127.0.0.1 -p "$port" -d "$work/kube.queries" -l 5 -c 4 -q 500 -Q "$rate" >/dev/null 2>&1 || true
    before=$(cpu_ticks "$pid")
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/kube.queries" -l 10 -c 4 -q 500 -Q "$rate" -v 2>&1)
    after=$(cpu_ticks "$pid")
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
    echo "| $name | $ready_s | $at_ready | $settled | $(rss_mib "$pid") ($(rss_split "$pid")) | $(awk -v t=$((after - before)) -v hz="$ticks" -v n="$completed" 'BEGIN { printf "%.2f", (t / hz) / n * 100000 }') | $(echo "$out" | p99) | $lost | $(ls "/proc/$pid/task" | wc -l) |"
    [ -z "$threads_ready" ] || echo "$threads_ready"
    [ -z "$nmt_ready" ] || { echo "$nmt_ready"; nmt "after load" "$jcmd"; }
    [ -z "$extra_ready" ] || echo "$extra_ready"
    histo "$jcmd"
    stop "$pid"
}

echo "kdns kubernetes memory, $names Services / $((names * 5)) endpoints, $rounds rounds, $rate q/s for 10 s after a 5 s warm-up ($(nproc) cores)"
echo
echo "| variant | ready s | RSS at ready MiB (anon / file) | RSS ${SETTLE:-6} s after ready MiB (anon / file) | RSS after load MiB (anon / file) | CPU s / 100k q | p99 ms | lost | threads |"
echo "|---|---|---|---|---|---|---|---|---|"
for _ in $(seq 1 "$rounds"); do
    while IFS='|' read -r name d opts envs; do
        [ -n "$name" ] || continue
        once "$name" "$d" "$opts" "${envs:-}"
    done <<< "$variants"
done
