package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * bin/kdns with the kubernetes and multicluster plugins in one Corefile (cluster.local and
 * clusterset.local), each from its own module layer, against the fake API server: a ServiceImport
 * is created and the EndpointSlices of two source clusters change; every change is in DNS within a
 * second; the kubernetes block's {@code multicluster} option, served by plugin-multicluster through
 * the kubernetes extension API. A distribution assembled without the multicluster plugin rejects
 * its directive and the option.
 */
class MulticlusterE2ETest {

    private static final String WEB = "web.db.svc.clusterset.local.";

    private static Set<String> answers(Message m) {
        Set<String> out = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(r.rdataToString());
        }
        return out;
    }

    private static Message within1s(InetSocketAddress server, String name, int type, Predicate<Message> want,
                                    String what) throws Exception {
        long deadline = System.nanoTime() + 1_000_000_000L;
        Message m;
        do {
            m = DnsClient.udp(server, name, type);
            if (want.test(m)) {
                return m;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not visible within 1 s: " + what + "\n" + m);
    }

    private static Predicate<Message> addresses(String... ips) {
        Set<String> want = new TreeSet<>(List.of(ips));
        return m -> m.getRcode() == Rcode.NOERROR && answers(m).equals(want);
    }

    @Test
    void kubernetesAndMulticlusterTogether(@TempDir Path dir) throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.create(KubeObjects.namespace("db").build());
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"db"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            Path kc = api.kubeconfig(dir);
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n"
                    + "    kubernetes cluster.local {\n        kubeconfig " + kc + "\n    }\n"
                    + "    multicluster clusterset.local {\n        kubeconfig " + kc + "\n    }\n"
                    + "}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
                within1s(server, "web.db.svc.cluster.local.", Type.A, addresses("10.96.0.20"), "the cluster's service");
                Message none = DnsClient.udp(server, WEB, Type.A);
                assertEquals(Rcode.NXDOMAIN, none.getRcode(), none.toString());
                assertTrue(none.getSection(Section.AUTHORITY).get(0).toString().contains("hostmaster.clusterset.local."),
                        none.toString());

                api.create(KubeObjects.serviceImport("db", "web").type("Headless").port("http", "TCP", 80).build());
                api.create(KubeObjects.endpointSlice("db", "web-clustera").multiclusterService("web", "clustera")
                        .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("web-0")).port("http", "TCP", 80).build());
                within1s(server, WEB, Type.A, addresses("10.1.0.10"), "ServiceImport with cluster A's slice");

                api.create(KubeObjects.endpointSlice("db", "web-clusterb").multiclusterService("web", "clusterb")
                        .endpoint(KubeObjects.endpoint("10.2.0.10").hostname("web-0")).port("http", "TCP", 80).build());
                within1s(server, WEB, Type.A, addresses("10.1.0.10", "10.2.0.10"), "cluster B's slice added");

                api.update(KubeObjects.endpointSlice("db", "web-clustera").multiclusterService("web", "clustera")
                        .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("web-0"))
                        .endpoint(KubeObjects.endpoint("10.1.0.11").hostname("web-1")).port("http", "TCP", 80).build());
                within1s(server, WEB, Type.A, addresses("10.1.0.10", "10.1.0.11", "10.2.0.10"),
                        "cluster A's slice changed");
                within1s(server, "web-1.clustera." + WEB, Type.A, addresses("10.1.0.11"), "cluster A's new endpoint");

                api.update(KubeObjects.endpointSlice("db", "web-clusterb").multiclusterService("web", "clusterb")
                        .endpoint(KubeObjects.endpoint("10.2.0.10").hostname("web-0").ready(false))
                        .port("http", "TCP", 80).build());
                within1s(server, WEB, Type.A, addresses("10.1.0.10", "10.1.0.11"), "cluster B's endpoint not ready");
                within1s(server, "web-0.clusterb." + WEB, Type.A, m -> m.getRcode() == Rcode.NXDOMAIN,
                        "cluster B's endpoint name gone");

                String out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3",
                        "_http._tcp.web.db.svc.clusterset.local", "SRV");
                assertTrue(out.contains("status: NOERROR") && out.contains("web-1.clustera.web.db.svc.clusterset.local."),
                        out);
                out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3",
                        "dns-version.clusterset.local", "TXT");
                assertTrue(out.contains("\"1.1.0\""), out);
                // The cluster's own names still come from the kubernetes plugin.
                assertEquals(Set.of("10.96.0.20"),
                        answers(DnsClient.udp(server, "web.db.svc.cluster.local.", Type.A)));
                assertFalse(kdns.output().contains("Exception in thread"), kdns.output());
            }
        }
    }

    @Test
    void kubernetesMulticlusterOption(@TempDir Path dir) throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.create(KubeObjects.namespace("db").build());
            api.create(KubeObjects.serviceImport("db", "api").ips("10.99.0.1").port("http", "TCP", 80).build());
            Path kc = api.kubeconfig(dir);
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n"
                    + "    kubernetes cluster.local clusterset.local {\n        kubeconfig " + kc
                    + "\n        multicluster clusterset.local\n    }\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
                within1s(server, "api.db.svc.clusterset.local.", Type.A, addresses("10.99.0.1"), "the import");
                api.create(KubeObjects.serviceImport("db", "web").type("Headless").port("http", "TCP", 80).build());
                api.create(KubeObjects.endpointSlice("db", "web-a").multiclusterService("web", "clustera")
                        .endpoint(KubeObjects.endpoint("10.1.0.10")).port("http", "TCP", 80).build());
                api.create(KubeObjects.endpointSlice("db", "web-b").multiclusterService("web", "clusterb")
                        .endpoint(KubeObjects.endpoint("10.2.0.10")).port("http", "TCP", 80).build());
                within1s(server, WEB, Type.A, addresses("10.1.0.10", "10.2.0.10"), "headless import, two clusters");
                within1s(server, "10-2-0-10.clusterb." + WEB, Type.A, addresses("10.2.0.10"), "endpoint name");
                assertFalse(kdns.output().contains("Exception in thread"), kdns.output());
            }
        }
    }

    /**
     * multicluster builds on the kubernetes module: its folder holds its own jar only, and its layer
     * has kubernetes's as parent (one copy of the Kubernetes client in the distribution).
     */
    @Test
    void multiclusterFolderHoldsOnlyItsOwnJar() throws Exception {
        Path plugins = KdnsProcess.dist().resolve("plugins");
        try (var jars = Files.list(plugins.resolve("plugin-multicluster"))) {
            // Beside its jars a folder holds modules.list, their module descriptors (host's ModuleList).
            List<String> names = jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
            assertEquals(1, names.size(), "plugin-multicluster holds the jars " + names);
            assertTrue(names.get(0).startsWith("kdns-plugin-multicluster-"), names.toString());
        }
        try (var jars = Files.list(plugins.resolve("plugin-kubernetes"))) {
            assertTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("client-java-")),
                    "the Kubernetes client is in plugin-kubernetes");
        }
    }

    @Test
    void distributionWithoutMulticlusterRejectsTheDirective(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("kdns.project.root", "..")).toAbsolutePath().normalize();
        String full = Files.readString(root.resolve("plugin.cfg"));
        assertTrue(full.lines().anyMatch(l -> l.startsWith("multicluster:")), "plugin.cfg has multicluster");
        KdnsProcess.Result plugins = KdnsProcess.runToEnd(dir, Map.of(), "-plugins");
        assertTrue(plugins.output().contains("dns.multicluster"), plugins.output());

        String without = full.lines().filter(l -> !l.startsWith("multicluster:"))
                .collect(Collectors.joining("\n", "", "\n"));
        Path cfg = Files.writeString(dir.resolve("plugin.cfg"), without);
        Path out = dir.resolve("no-multicluster");
        Process p = new ProcessBuilder(root.resolve("build/assemble-dist.sh").toString(), System.getProperty("java.home"),
                cfg.toString(), out.toString(), "portable").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("assembling the distribution failed:\n" + log);
        }
        assertFalse(Files.exists(out.resolve("plugins/plugin-multicluster")));
        String directive = validate(out, dir, "clusterset.local:1053 {\n    multicluster\n}\n");
        assertTrue(directive.contains("Corefile:2 - Error during parsing: Unknown directive 'multicluster'"), directive);
        // The kubernetes block's multicluster option is served by plugin-multicluster through the
        // kubernetes extension API: without the module the option is refused at its line.
        String option = validate(out, dir, "cluster.local:1053 {\n    kubernetes cluster.local clusterset.local {\n"
                + "        multicluster clusterset.local\n    }\n}\n");
        assertTrue(option.contains("Corefile:3 - Error during parsing: the multicluster option is served by the "
                + "multicluster plugin (module plugin-multicluster), which this distribution does not have"), option);
    }

    /** {@code kdns -validate} of {@code corefile} with the distribution at {@code dist}: its output; it must fail. */
    private static String validate(Path dist, Path dir, String corefile) throws Exception {
        Files.writeString(dir.resolve("Corefile"), corefile);
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/kdns").toString(), "-validate")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process k = pb.start();
        String text = new String(k.getInputStream().readAllBytes());
        if (!k.waitFor(60, TimeUnit.SECONDS)) {
            k.destroyForcibly();
            fail("kdns -validate did not finish");
        }
        assertEquals(1, k.exitValue(), text);
        return text;
    }
}
