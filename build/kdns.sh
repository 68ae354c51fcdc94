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
# C2's merging of adjacent primitive stores (JDK 23+) crashes the JVM ("guarantee(t != nullptr)
# failed: must be con" in MergePrimitiveStores::make_merged_input_value) while compiling dnsjava's
# Message.toWire, which forward runs for every query: 4 of 8 starts of a forward-only server under
# dnsperf died within seconds on Temurin 25.0.3, none of 8 with the optimisation off. Off until a
# JDK fixes it; the option is diagnostic, so it is unlocked first.
mergestores=""
if [ "${major:-0}" -ge 23 ] 2>/dev/null; then
    mergestores="-XX:+UnlockDiagnosticVMOptions -XX:-MergeStores"
fi
# JDK 25+: the ahead-of-time caches that make dist's training runs wrote (aot/*.aot: the classes of
# the JDK, the host and the plugins loaded and parsed; not the training's method profiles, and for
# kubernetes not its class linking, which made the query path's compiled code slower: build/AotTraining.java)
# take about half off the
# start-up. A cache is resident in full whichever classes the server uses, so there is one per
# kind of Corefile (build/aot-train.sh): aot/caches lists each with the directives its training left
# out, and the launcher takes the first none of whose directives the Corefile (-conf, else Corefile in
# the working directory) has at the start of a line; when every one has, or the Corefile cannot be
# read (-conf stdin), the last. A wrong choice only costs start-up time: the JVM loads the classes the
# cache lacks from the jars. A cache is used only with the runtime it was made by (runtime/, never
# JAVA_HOME), at the folder it was made in (the JVM compares the module path), and when KDNS_JAVA_OPTS
# chooses no class sharing of its own; the JVM's messages about a cache it cannot use are turned off,
# so a mismatch the launcher does not catch only costs time. KDNS_AOT=off starts without one;
# KDNS_AOT=require makes the JVM refuse to start when it cannot use the one chosen.
aot=""
aot_mode=${KDNS_AOT:-on}
if [ "$aot_mode" != off ]; then
    conf=Corefile
    want=""
    for a in "$@"; do # the Corefile the server reads: the host's flags, the value of -conf
        if [ -n "$want" ]; then
            [ "$want" = conf ] && conf=$a
            want=""
            continue
        fi
        case $a in
            -conf|--conf) want=conf ;;
            -conf=*|--conf=*) conf=${a#*=} ;;
            -dns.port|--dns.port|-p|--p|-pidfile|--pidfile) want=value ;;
            -*) [ "$a" != - ] && [ "$a" != -- ] || break ;;
            *) break ;;
        esac
    done
    cache=""
    if [ -f "$KDNS_HOME/aot/caches" ]; then
        while read -r file without; do
            [ -z "$cache" ] || break
            last=$file
            [ -f "$conf" ] && [ -r "$conf" ] || continue
            used=""
            for d in $without; do
                if grep -Eq "^[[:space:]]*$d([[:space:]{]|\$)" "$conf"; then used=$d; break; fi
            done
            [ -n "$used" ] || cache=$file
        done < "$KDNS_HOME/aot/caches"
        cache="$KDNS_HOME/aot/${cache:-$last}"
    fi
    made_for=""
    if [ -f "$KDNS_HOME/aot/made-for" ]; then read -r made_for < "$KDNS_HOME/aot/made-for" || true; fi
    why=""
    case " ${KDNS_JAVA_OPTS:-} " in
        *-Xshare*|*-XX:AOT*|*SharedArchiveFile*|*AutoCreateSharedArchive*|*SharedClassListFile*|*DumpLoadedClassList*|*UseCompactObjectHeaders*)
            why="KDNS_JAVA_OPTS sets class sharing or object headers" ;;
    esac
    [ "$JAVA" = "$KDNS_HOME/runtime/bin/java" ] || why="the distribution has no runtime of its own"
    [ -n "$cache" ] && [ -f "$cache" ] || why="make dist made none (its training run failed, or the JDK is older than 25)"
    if [ -z "$why" ] && [ "$made_for" != "$KDNS_HOME" ]; then
        why="it was made for the distribution at ${made_for:-an unknown place} (make dist again here, or KDNS_AOT=off)"
        # A moved distribution is the one mismatch worth a line: it can be fixed.
        [ "$aot_mode" = require ] || echo "kdns: not using the AOT cache $cache: $why" >&2
    fi
    if [ -n "$why" ] && [ "$aot_mode" = require ]; then
        echo "kdns: KDNS_AOT=require, but the AOT cache cannot be used: $why" >&2
        exit 1
    elif [ -z "$why" ] && [ "$aot_mode" = require ]; then
        aot="-XX:AOTCache=$cache -XX:AOTMode=on"
    elif [ -z "$why" ]; then
        aot="-XX:AOTCache=$cache -Xlog:aot*=off"
    fi
fi
# glibc gives every thread that allocates natively an arena of its own; two are plenty for a
# server whose native allocations are the JVM's own, and the rest is resident memory for nothing.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# Heap sized from the data, not fixed: the old generation follows what is live (after a full
# collection it keeps 10-20% free, and gives the rest back at once, not a step per collection; the kubernetes plugin asks for one full
# collection when its first sync is done), so a 10,000-Service cluster and a 100,000-Service one
# each get the heap they need. The ceiling is 60% of the memory the process may
# use (the container's limit, else the machine's): in CoreDNS's default 170 MiB pod that is about
# the 96 MiB the launcher used to fix, and the rest is room for the JVM's own memory. An 8 MiB young
# generation: every page of it is touched between collections, so it counts in full in the RSS (16 MiB
# had the 10,000-Service cluster 9-10 MiB higher after a 20k q/s load, with the same CPU per query;
# benchmarks/kube-memory.sh); a query allocates a few KiB, so that is still only some collections a
# second at 20k qps, each of them copying little (100,000 Services: the relist peak 9-11 MiB lower, the
# first sync about 1 s slower; KDNS_JAVA_OPTS=-Xmn16m where that start-up counts more). The
# serial collector (no extra GC threads on 2 cores), capped metaspace and code cache, 512 KiB stacks.
# SweeperThreshold=50: the JVM runs a full collection to unload compiled code each time the code
# cache grew by this share of its size (15% by default, 4.8 MiB here); kdns's warm-up compiles about
# 12 MiB, and with a large cluster's heap each of those collections stopped answers for 0.4 s.
# KDNS_JAVA_OPTS comes after these, so any of them can be replaced there (e.g. -Xmx256m). Where memory
# counts more than start-up: -XX:-TieredCompilation (C2 alone: 8 MiB less compiled code and about 10 MiB less RSS after a load,
# the same CPU per query once warm, about 1 s slower to ready).
# Netty's epoll library is shipped unpacked in native/ (assemble-dist.sh): Netty looks in
# java.library.path first and loads it from there; only when that fails (the file missing, or not
# loadable on this machine) does it extract the copy in its jar to a temporary file and load that,
# which is what every start did before. A -Djava.library.path in KDNS_JAVA_OPTS replaces this one.
# Netty's pooled allocator asks JFR at its first allocation whether its buffer events are enabled,
# and that first use of jdk.jfr.Event initialises JFR's event machinery, whose classes the AOT cache
# cannot hold: on the UDP listener's thread in the middle of the first query (a whoami server's first
# UDP answer took 144-148 ms, 12-20 ms without it), on the etcd client's event loop during its first
# read. Netty's buffer events are only seen by a JFR recording that enables them; for one,
# KDNS_JAVA_OPTS=-Dio.netty.jfr.enabled=true (it comes later and wins).
nettyjfr="-Dio.netty.jfr.enabled=false"
# conf/compile-commands (build/compile-commands says why): C2 leaves code that only the kubernetes
# API client runs to C1, and C1 does not inline the class-file API's helpers into one big
# compilation at start-up, so the compilers' pooled memory, held for up to 5 s, is smaller at the
# instant a large cluster's first sync ends (10,000 Services: RSS at ready 4-9 MiB lower, medians).
# Quiet: no line on stdout. A -XX:CompileCommandFile in KDNS_JAVA_OPTS replaces it (the last one wins).
commands=""
if [ -f "$KDNS_HOME/conf/compile-commands" ]; then
    commands="-XX:CompileCommandFile=$KDNS_HOME/conf/compile-commands"
fi
native=""
if [ -d "$KDNS_HOME/native" ]; then
    native="-Djava.library.path=$KDNS_HOME/native"
fi
exec "$JAVA" \
    -Xms32m -Xmn8m -XX:MaxRAMPercentage=60 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 \
    -XX:-ShrinkHeapInSteps \
    -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 \
    -Xss512k -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData $unsafe $compact $trim $mergestores $aot \
    $nettyjfr ${native:+"$native"} ${commands:+"$commands"} ${KDNS_JAVA_OPTS:-} \
    --add-modules ALL-DEFAULT,ALL-MODULE-PATH \
    -Dkdns.home="$KDNS_HOME" -Dkdns.commit=@COMMIT@ \
    -p "$KDNS_HOME/lib" -m kdns.host/kdns.host.cli.Main "$@"
