#!/bin/sh
# Makes the JDK 25 ahead-of-time caches bin/kdns starts with, DIST/aot/*.aot, by training runs of the
# distribution (build/AotTraining.java: the plugins in a Corefile, queries, then SIGTERM):
#   aot-train.sh JDK_HOME DIST
# One cache per kind of Corefile, because a cache costs its whole size in resident memory whichever
# classes a server uses (the JVM maps it at a random address and rewrites its pointers):
#   other.aot       Corefiles without the kubernetes plugins: trained without kubernetes, k8s_external,
#                   multicluster and autopath (client-java and its libraries: about 1,650 classes).
#                   Its etcd block reads from a real etcd when `etcd` is on the PATH (started and
#                   stopped by AotTraining.java), so the etcd client's gRPC connection, read and
#                   watch classes are in it; a line under the cache's says whether it was.
#   kubernetes.aot  Corefiles with them but without etcd and grpc: trained without those two (jetcd,
#                   Vert.x, gRPC, protobuf, Guava: about 10 MiB less RSS for a 10,000-Service cluster).
#                   Only when plugin.cfg has kubernetes (else other.aot is trained on everything).
# The caches hold the classes, not the training's method profiles (AotTraining.java says why).
# DIST/aot/caches lists them, one a line: the file and the directives its training left out, in the
# order bin/kdns tries them (it takes the first none of whose directives the Corefile uses, else the
# last one). Each training is bounded (TRAIN_TIMEOUT seconds, default 180). Never fails: when a
# training cannot run or fails, its cache is not made, and one line on stderr says why (the training's
# log is left in target/aot-training/NAME/ then).
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

train() { # NAME LEAVE-OUT...: DIST/aot/NAME.aot and its line in DIST/aot/caches, or a warning
    name=$1; shift
    start=$(date +%s)
    mkdir -p "$work/$name"
    if timeout -k 10 "${TRAIN_TIMEOUT:-180}" "$jdk/bin/java" -Xmx256m -cp "$jar" "$top/build/AotTraining.java" \
            "$dist" "$dist/aot/$name.aot" "$work/$name" "$(echo "$@" | tr ' ' ,)" > "$work/$name/training.log" 2>&1; then
        echo "$name.aot $*" >> "$dist/aot/caches"
        echo "AOT cache: $dist/aot/$name.aot ($(du -m "$dist/aot/$name.aot" | cut -f1) MiB, training $(($(date +%s) - start)) s)"
        sed -n "s|^note: |  $name.aot: |p" "$work/$name/training.log" # e.g. whether a real etcd was read
        rm -rf "$work/$name"
    else
        rm -f "$dist/aot/$name.aot"
        echo "warning: no AOT cache $name.aot (Corefiles it is for start slower): the training run failed after" \
            "$(($(date +%s) - start)) s: $(tail -n 1 "$work/$name/training.log") (logs in $work/$name)" >&2
    fi
}
train other kubernetes k8s_external multicluster autopath
if grep -q '^[[:space:]]*kubernetes[[:space:]]*:' "$dist/conf/plugin.cfg"; then
    train kubernetes etcd grpc
fi
if [ -s "$dist/aot/caches" ]; then
    # The launcher uses the caches only where they were made: the JVM refuses them elsewhere.
    echo "$dist" > "$dist/aot/made-for"
    rmdir "$work" 2>/dev/null || true
else
    rm -rf "$dist/aot"
    warn "every training run failed (logs in $work)"
fi
