#!/bin/sh
# kdns launcher. KDNS_JAVA_OPTS adds JVM options (e.g. a larger -Xmx); JAVA_HOME is used only
# when the distribution has no runtime of its own (the portable archive).
set -e
here=$(dirname "$0")
KDNS_HOME=$(cd "$here/.." && pwd)
if [ -x "$KDNS_HOME/runtime/bin/java" ]; then
    JAVA="$KDNS_HOME/runtime/bin/java"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA=java
fi
# Java 24+ warns on the first use of sun.misc.Unsafe's memory methods, which Netty (the UDP
# transport, and the etcd plugin's gRPC) still makes, and on loading a native library (Netty's
# epoll transport); allow both for Netty. The Unsafe flag does not exist before 24, so both are
# given only when the runtime's release file says 24 or later.
unsafe=""
case "$JAVA" in
    */bin/java) major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${JAVA%/bin/java}/release" 2>/dev/null || true) ;;
    *) major="" ;;
esac
if [ "${major:-0}" -ge 24 ] 2>/dev/null; then
    unsafe="--sun-misc-unsafe-memory-access=allow --enable-native-access=io.netty.common"
fi
# Java 25+: 8-byte object headers (JEP 519) take about a seventh off the heap the Kubernetes
# index needs and off what each query allocates.
compact=""
if [ "${major:-0}" -ge 25 ] 2>/dev/null; then
    compact="-XX:+UseCompactObjectHeaders"
fi
# Java 22+: hand memory that malloc keeps after the JIT compilers and the first sync of a large
# cluster freed it back to the system once a second (about 20 MiB of RSS with 10,000 Services).
trim=""
if [ "${major:-0}" -ge 22 ] 2>/dev/null; then
    trim="-XX:TrimNativeHeapInterval=1000"
fi
# glibc gives every thread that allocates natively an arena of its own; two are plenty for a
# server whose native allocations are the JVM's own, and the rest is resident memory for nothing.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# Defaults sized for a 170 MiB memory-limited pod (CoreDNS's default deployment limit):
# a small fixed heap, the serial collector (no extra GC threads on 2 cores), a 16 MiB young
# generation (every page of it is touched between collections, so it counts in full in the RSS;
# a query allocates a few KiB, so that is still only a few collections a second at 20k qps),
# capped metaspace and code cache.
exec "$JAVA" \
    -Xms32m -Xmx96m -Xmn16m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m \
    -Xss512k -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData $unsafe $compact $trim \
    ${KDNS_JAVA_OPTS:-} \
    --add-modules ALL-DEFAULT,ALL-MODULE-PATH \
    -Dkdns.home="$KDNS_HOME" -Dkdns.commit=@COMMIT@ \
    -p "$KDNS_HOME/lib" -m kdns.host/kdns.host.cli.Main "$@"
