package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's command line: -plugins, -version, -validate, bad Corefiles, bad flags. */
class DistributionTest {

    @TempDir
    Path dir;

    @Test
    void pluginsListsTheDefaultDistribution() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-plugins");
        assertEquals(0, r.exitCode(), r.output());
        for (String p : List.of("dns.bind", "dns.whoami", "dns.log", "dns.errors", "dns.health", "dns.ready")) {
            assertTrue(r.output().lines().anyMatch(l -> l.strip().equals(p)), p + " missing from:\n" + r.output());
        }
    }

    @Test
    void versionNamesKdns() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-version");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("kdns-"), r.output());
    }

    @Test
    void validateAcceptsAGoodCorefile() throws Exception {
        Files.writeString(dir.resolve("Corefile"), "example.org:1053 {\n    whoami\n    log\n}\n");
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-validate");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Corefile OK"), r.output());
    }

    @Test
    void badCorefileExitsOneWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("Corefile"), ".:1053 {\n    whoami\n    nosuchplugin\n}\n");
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-conf", "Corefile");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("Corefile:3 - Error during parsing: Unknown directive 'nosuchplugin'"),
                r.output());
    }

    @Test
    void setupErrorNamesThePlugin() throws Exception {
        Files.writeString(dir.resolve("Corefile"), ".:1053 {\n    whoami extra\n}\n");
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-validate");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("plugin/whoami: Corefile:2 - Error during parsing: "
                + "Wrong argument count or unexpected line ending after 'extra'"), r.output());
    }

    @Test
    void missingExplicitCorefileIsFatal() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-conf", "nope/Corefile", "-validate");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("no such file"), r.output());
    }

    @Test
    void extraArgumentsAreFatal() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-validate", "stray");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("extra command line arguments: [stray]"), r.output());
    }

    @Test
    void unknownFlagPrintsUsage() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-nosuchflag");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("flag provided but not defined: -nosuchflag"), r.output());
    }

    @Test
    void launcherHandsTheJvmTheCompileCommandsQuietly() throws Exception {
        // conf/compile-commands keeps C2 off the kubernetes sync's decode path (build/compile-commands);
        // its 'quiet' keeps the JVM from printing the commands (-version prints its two lines only)
        Path commands = KdnsProcess.dist().resolve("conf/compile-commands").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(commands), "make dist copies build/compile-commands to " + commands);
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of("KDNS_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "-version");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("\\s*ccstr CompileCommandFile\\s+= "
                + Pattern.quote(commands.toString()) + "\\s.*")), r.output());
        KdnsProcess.Result quiet = KdnsProcess.runToEnd(dir, Map.of(), "-version");
        assertEquals(2, quiet.output().lines().count(), "only the version lines:\n" + quiet.output());
    }

    @Test
    void runsWithoutAnyJdkOnThePath() throws Exception {
        // The jlink'd distribution (what the linux_amd64 archive holds) needs only a shell.
        Path bin = Files.createDirectories(dir.resolve("onlyshell"));
        Files.createSymbolicLink(bin.resolve("sh"), Path.of("/bin/sh"));
        Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
        int port = KdnsProcess.freePort();
        Files.writeString(dir.resolve("Corefile"), ".:" + port + " {\n    whoami\n}\n");
        ProcessBuilder pb = new ProcessBuilder(KdnsProcess.launcher().toString(), "-conf", "Corefile")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("nojdk.log").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        try {
            org.xbill.DNS.Message reply = null;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (reply == null && System.nanoTime() < deadline && p.isAlive()) {
                try {
                    reply = kdns.testing.DnsClient.udp(new java.net.InetSocketAddress("127.0.0.1", port), "example.org.",
                            org.xbill.DNS.Type.A);
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertTrue(reply != null, "answered without a JDK on PATH:\n" + Files.readString(dir.resolve("nojdk.log")));
            assertEquals(org.xbill.DNS.Rcode.NOERROR, reply.getRcode());
        } finally {
            p.destroy();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void distributionLayout() {
        Path d = KdnsProcess.dist();
        assertTrue(Files.isExecutable(d.resolve("runtime/bin/java")), "jlink'd runtime");
        assertTrue(Files.isRegularFile(d.resolve("conf/plugin.cfg")));
        assertTrue(Files.isDirectory(d.resolve("plugins/plugin-standard")));
        // each plugin folder's module descriptors, so a start need not scan its jars (host's ModuleList)
        assertTrue(Files.isRegularFile(d.resolve("plugins/plugin-standard/modules.list")));
        assertTrue(Files.isDirectory(d.resolve("lib")));
    }

    /**
     * netty-support (kdns.netty) is in the boot layer, beside the Netty the host and forward's
     * upstream sockets share, and in no plugin folder: one copy, so forward's sockets and the
     * server's listener use the same class.
     */
    @Test
    void nettySupportIsInTheBootLayerOnly() throws Exception {
        Path d = KdnsProcess.dist();
        List<Path> copies;
        try (Stream<Path> jars = Files.walk(d, 3)) {
            copies = jars.filter(j -> j.getFileName().toString().startsWith("kdns-netty-support-")).toList();
        }
        assertEquals(1, copies.size(), copies.toString());
        assertEquals(d.resolve("lib"), copies.get(0).getParent());
    }

    /**
     * Netty's epoll library comes from the distribution's native/ folder (bin/kdns puts it on
     * java.library.path), not from a copy extracted from its jar into a temporary file at each start.
     */
    @Test
    void epollLibraryIsLoadedFromTheNativeFolder() throws Exception {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch_64";
            default -> "";
        };
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")) && !arch.isEmpty(), "Linux on x86_64 or aarch64");
        Path lib = KdnsProcess.dist().resolve("native")
                .resolve(System.mapLibraryName("netty_transport_native_epoll_" + arch)).toRealPath();
        int port = KdnsProcess.freePort();
        try (KdnsProcess k = KdnsProcess.serve(dir, ".:" + port + " {\n    whoami\n}\n", port)) {
            String maps = Files.readString(Path.of("/proc", String.valueOf(k.process().pid()), "maps"));
            assertTrue(maps.contains(lib.toString()), lib + " not mapped; Netty libraries mapped: "
                    + maps.lines().filter(l -> l.contains("netty")).toList());
        }
    }
}
