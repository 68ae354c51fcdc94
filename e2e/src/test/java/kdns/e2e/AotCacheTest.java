package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK 25 ahead-of-time caches that make dist's training runs (build/aot-train.sh) put in the
 * distribution: they are there, bin/kdns starts with one without a word, plugin classes of the plugin
 * layers come out of the one chosen for the Corefile (and classes of plugins its training left out do
 * not), and a distribution reached by another path (a cache is tied to the module path) starts
 * without it after one line.
 */
class AotCacheTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void runtimeIsJava25() throws IOException {
        Path release = KdnsProcess.dist().resolve("runtime/release");
        assertTrue(Files.isRegularFile(release), "the distribution under test has its jlink'd runtime");
        String version = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst().orElseThrow().replaceAll("[^0-9.]", "");
        // make test builds with the JDK 25 of build/find-jdk.sh; an older one makes no cache by design
        assertTrue(Integer.parseInt(version.split("\\.")[0]) >= 25, "runtime " + version + " makes no AOT cache");
    }

    @Test
    void trainingRunsMadeTheCaches() throws Exception {
        Path dist = KdnsProcess.dist();
        // the default plugin.cfg has kubernetes: both caches, in the order the launcher tries them
        assertEquals(List.of("other.aot kubernetes k8s_external multicluster autopath", "kubernetes.aot etcd grpc"),
                Files.readAllLines(dist.resolve("aot/caches")));
        for (String cache : List.of("aot/other.aot", "aot/kubernetes.aot")) {
            assertTrue(Files.size(dist.resolve(cache)) > 0, cache + ": the training run of make dist wrote none");
        }
        assertEquals(dist.toAbsolutePath().normalize().toString(), Files.readString(dist.resolve("aot/made-for")).strip());
    }

    @Test
    void startsWithTheCacheWithoutAWord() throws Exception {
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, Map.of(), "-version");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(2, r.output().lines().count(), "only the version lines:\n" + r.output());
        // KDNS_AOT=require: the JVM refuses to start when it cannot map the cache
        KdnsProcess.Result required = KdnsProcess.runToEnd(dir, Map.of("KDNS_AOT", "require"), "-version");
        assertEquals(0, required.exitCode(), required.output());
        assertEquals(2, required.output().lines().count(), "only the version lines:\n" + required.output());
    }

    @Test
    void pluginLayerClassesComeFromTheCacheOfTheCorefile() throws Exception {
        // -plugins loads every plugin folder; the Corefile (not read by -plugins) chooses the cache.
        Path etcd = Files.writeString(dir.resolve("etcd.conf"), """
                . {
                    # kubernetes cluster.local (a comment: not a directive)
                    etcd example.org
                    forward . 127.0.0.1
                }
                """);
        List<String> fromEtcdCache = cached(Map.of("KDNS_AOT", "require"), "-conf", etcd.toString());
        for (String c : List.of("kdns.host.cli.Main", "kdns.plugin.standard.whoami.WhoamiPlugin",
                "kdns.plugin.cache.CachePlugin", "kdns.plugin.forward.ForwardPlugin", "kdns.plugin.etcd.EtcdPlugin")) {
            assertTrue(fromEtcdCache.contains(c), c + " was not loaded from other.aot");
        }
        assertTrue(!fromEtcdCache.contains("kdns.plugin.kubernetes.KubernetesPlugin"),
                "other.aot holds the kubernetes plugin its training left out");
        // the default Corefile of the working directory, with kubernetes and neither etcd nor grpc
        Files.writeString(dir.resolve("Corefile"), """
                cluster.local {
                    kubernetes cluster.local {
                        kubeconfig /nonexistent
                    }
                    forward . 127.0.0.1
                }
                """);
        List<String> fromKubernetesCache = cached(Map.of("KDNS_AOT", "require"));
        for (String c : List.of("kdns.host.cli.Main", "kdns.plugin.forward.ForwardPlugin",
                "kdns.plugin.kubernetes.KubernetesPlugin")) {
            assertTrue(fromKubernetesCache.contains(c), c + " was not loaded from kubernetes.aot");
        }
        assertTrue(!fromKubernetesCache.contains("kdns.plugin.etcd.EtcdPlugin"),
                "kubernetes.aot holds the etcd plugin its training left out");
        assertEquals(List.of(), cached(Map.of("KDNS_AOT", "off"), "-conf", etcd.toString()), "KDNS_AOT=off still used a cache");
    }

    /** The classes bin/kdns -plugins (with ARGS before it) loaded from an AOT cache. */
    private List<String> cached(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("KDNS_JAVA_OPTS", "-Xlog:class+load=info");
        List<String> cmd = new ArrayList<>(List.of(args));
        cmd.add("-plugins");
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, all, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), tail(r.output()));
        assertTrue(r.output().contains("] kdns.host.cli.Main source: "), tail(r.output()));
        return r.output().lines().filter(l -> l.contains(" source: shared objects file"))
                .map(l -> l.substring(l.indexOf("] ") + 2, l.indexOf(" source: "))).toList();
    }

    @Test
    void elsewhereStartsWithoutTheCacheAfterOneLine() throws Exception {
        // The same distribution through a symbolic link: another module path to the JVM.
        Path link = Files.createSymbolicLink(dir.resolve("kdns-elsewhere"), KdnsProcess.dist().toAbsolutePath());
        Result r = run(link.resolve("bin/kdns"), Map.of(), "-version");
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(3, lines.size(), r.output());
        // no Corefile in the working directory: the last cache of aot/caches
        assertTrue(lines.get(0).startsWith("kdns: not using the AOT cache " + link + "/aot/kubernetes.aot: it was made for "
                + "the distribution at "), r.output());
        Result required = run(link.resolve("bin/kdns"), Map.of("KDNS_AOT", "require"), "-version");
        assertEquals(1, required.exitCode(), required.output());
        assertTrue(required.output().startsWith("kdns: KDNS_AOT=require, but the AOT cache cannot be used: "),
                required.output());
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kdns " + String.join(" ", args) + " did not finish within 60s");
        }
        return new Result(p.exitValue(), out);
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
