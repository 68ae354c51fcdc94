# kdns container image: the jlink'd distribution on a distroless base, running as non-root.
#   make -f Makefile.release docker            (or: docker build -t kdns .)
# Build stage: Maven and a JDK from the Temurin image; the runtime is jlink'd there, so the final
# image needs no JDK. No AOT cache (AOT=off): the JVM uses one only in the folder it was made in,
# and the entrypoint does not ask for one.
FROM maven:3.9-eclipse-temurin-25 AS build
ARG PLUGIN_CFG=plugin.cfg
WORKDIR /src
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/* \
 && AOT=off make dist PLUGIN_CFG=/src/$PLUGIN_CFG DIST=/out/kdns

# The runtime needs glibc and nothing else: distroless "base" (not "static").
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/kdns /kdns
# CoreDNS's image also listens on 53 as non-root: grant the capability at run time
# (Kubernetes: securityContext.capabilities.add [NET_BIND_SERVICE]) or use a high port.
EXPOSE 53/udp 53/tcp 8080/tcp 8181/tcp 9153/tcp
USER nonroot
WORKDIR /
# distroless has no shell, so the launcher script cannot run: call the jlink'd java directly with
# the launcher's options for the Java 25 runtime built above (keep in sync with build/kdns.sh).
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["/kdns/runtime/bin/java", \
  "-Xms32m", "-Xmn8m", "-XX:MaxRAMPercentage=60", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:-ShrinkHeapInSteps", \
  "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-XX:SweeperThreshold=50", \
  "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", \
  "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=io.netty.common", \
  "-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=1000", \
  "-XX:+UnlockDiagnosticVMOptions", "-XX:-MergeStores", \
  "-Dio.netty.jfr.enabled=false", "-XX:CompileCommandFile=/kdns/conf/compile-commands", \
  "-Djava.library.path=/kdns/native", \
  "--add-modules", "ALL-DEFAULT", "-Dkdns.home=/kdns", \
  "-p", "/kdns/lib", "-m", "kdns.host/kdns.host.cli.Main"]
CMD ["-conf", "/etc/coredns/Corefile"]
