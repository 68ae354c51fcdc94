package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kdns.host.plugins.PluginCfg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom distributions from three plugin.cfg files, as an operator builds them: the full one, one
 * without etcd and multicluster, and one with the external example plugin (examples/plugin-hello,
 * resolved by Maven coordinates). Each is checked with -plugins, its size, and a directive of a
 * left-out plugin.
 */
class DistributionsTest {

    @TempDir
    static Path dir;

    private static Path root() {
        return Path.of(System.getProperty("kdns.project.root", "..")).toAbsolutePath().normalize();
    }

    private static Path assemble(String name, String pluginCfg) throws Exception {
        Path cfg = Files.writeString(dir.resolve(name + ".cfg"), pluginCfg);
        Path out = dir.resolve(name);
        String jdk = System.getProperty("java.home");
        Process p = new ProcessBuilder(root().resolve("build/assemble-dist.sh").toString(), jdk, cfg.toString(),
                out.toString(), "portable").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            fail("assembling " + name + " failed:\n" + log);
        }
        return out;
    }

    private static KdnsProcess.Result run(Path dist, Path work, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(dist.resolve("bin/kdns").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new KdnsProcess.Result(p.exitValue(), out);
    }

    private static List<String> plugins(Path dist) throws Exception {
        return run(dist, dir, "-plugins").output().lines().map(String::strip).filter(l -> l.startsWith("dns."))
                .map(l -> l.substring(4)).sorted().toList();
    }

    private static List<String> names(String cfg) {
        return PluginCfg.parse("plugin.cfg", cfg).names().stream().sorted().toList();
    }

    private static long size(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void threeDistributions() throws Exception {
        String full = Files.readString(root().resolve("plugin.cfg"));
        String slim = full.lines().filter(l -> !l.startsWith("etcd:") && !l.startsWith("multicluster:"))
                .collect(Collectors.joining("\n", "", "\n"));
        String hello = full.lines().map(l -> l.startsWith("whoami:") ? "hello:com.example:kdns-hello:1.0.0\n" + l : l)
                .collect(Collectors.joining("\n", "", "\n"));

        Path fullDist = assemble("full", full);
        Path slimDist = assemble("slim", slim);
        Path helloDist = assemble("hello", hello);

        assertEquals(names(full), plugins(fullDist));
        assertEquals(names(slim), plugins(slimDist));
        assertEquals(names(hello), plugins(helloDist));
        assertTrue(plugins(helloDist).contains("hello"));

        long fullSize = size(fullDist);
        long slimSize = size(slimDist);
        long helloSize = size(helloDist);
        System.out.printf("distribution sizes (portable): full %d KiB, without etcd/multicluster %d KiB, with hello %d KiB%n",
                fullSize / 1024, slimSize / 1024, helloSize / 1024);
        if (full.lines().anyMatch(l -> l.startsWith("etcd:"))) {
            assertTrue(slimSize < fullSize, "leaving etcd out makes the distribution smaller");
            assertFalse(Files.exists(slimDist.resolve("plugins/plugin-etcd")));
            Files.writeString(dir.resolve("Corefile"), "example.org:1053 {\n    etcd\n}\n");
            KdnsProcess.Result r = run(slimDist, dir, "-validate");
            assertEquals(1, r.exitCode(), r.output());
            assertTrue(r.output().contains("Corefile:2 - Error during parsing: Unknown directive 'etcd'"), r.output());
        }
        assertTrue(helloSize > fullSize, "the external plugin adds its jar");

        // The external plugin answers from its own layer.
        Files.writeString(dir.resolve("Corefile"), "example.org:1053 {\n    hello Hi\n}\n");
        KdnsProcess.Result ok = run(helloDist, dir, "-validate");
        assertEquals(0, ok.exitCode(), ok.output());
        // Its folder gets a module list like the in-tree ones; a folder without one (copied in by hand)
        // or whose jars no longer match it is read from its jars.
        Path helloFolder = helloDist.resolve("plugins/kdns-hello");
        Path list = helloFolder.resolve("modules.list");
        assertTrue(Files.isRegularFile(list), "the external plugin's module list");
        try (Stream<Path> jars = Files.list(helloFolder)) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0));
            }
        }
        KdnsProcess.Result stale = run(helloDist, dir, "-validate");
        assertEquals(0, stale.exitCode(), stale.output());
        Files.delete(list);
        KdnsProcess.Result none = run(helloDist, dir, "-validate");
        assertEquals(0, none.exitCode(), none.output());
        KdnsProcess.Result notThere = run(fullDist, dir, "-validate");
        assertEquals(1, notThere.exitCode(), notThere.output());
        assertTrue(notThere.output().contains("Unknown directive 'hello'"), notThere.output());
    }
}
