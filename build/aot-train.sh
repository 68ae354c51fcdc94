#!/bin/sh
# Makes DIST/aot/kdns.aot, the JDK 25 ahead-of-time cache bin/kdns starts with, by a training run of
# the distribution (build/AotTraining.java: every plugin in a Corefile, queries, then SIGTERM):
#   aot-train.sh JDK_HOME DIST
# Bounded (TRAIN_TIMEOUT seconds, default 180). Never fails: when the training cannot run or fails,
# DIST has no cache, and one line on stderr says why (the training's log is left in
# target/aot-training/ then).
jdk=$1; dist=$(cd "$2" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
jar="$top/benchmarks/target/benchmarks.jar"
work="$top/target/aot-training"
warn() { echo "warning: the distribution has no AOT cache (it starts slower): $*" >&2; exit 0; }

major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dist/runtime/release" 2>/dev/null)
[ "${major:-0}" -ge 25 ] 2>/dev/null || warn "its runtime is Java ${major:-?}; the cache needs 25 or later"
# The training's fake API server and DNS client are test-support's, shaded into the benchmarks jar.
[ -f "$jar" ] || warn "no $jar (make build builds it)"
command -v timeout >/dev/null 2>&1 || warn "no timeout command to bound the training run"
rm -rf "$work" "$dist/aot"; mkdir -p "$work" "$dist/aot"
start=$(date +%s)
if timeout -k 10 "${TRAIN_TIMEOUT:-180}" "$jdk/bin/java" -Xmx256m -cp "$jar" "$top/build/AotTraining.java" \
        "$dist" "$dist/aot/kdns.aot" "$work" > "$work/training.log" 2>&1; then
    # The launcher uses the cache only where it was made: the JVM refuses it elsewhere.
    echo "$dist" > "$dist/aot/made-for"
    echo "AOT cache: $dist/aot/kdns.aot ($(du -m "$dist/aot/kdns.aot" | cut -f1) MiB, training $(($(date +%s) - start)) s)"
    rm -rf "$work"
else
    rm -rf "$dist/aot"
    warn "the training run failed after $(($(date +%s) - start)) s: $(tail -n 1 "$work/training.log") (logs in $work)"
fi
