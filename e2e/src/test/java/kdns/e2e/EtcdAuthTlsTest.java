package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kdns.testing.DnsClient;
import kdns.testing.etcd.EtcdCerts;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * bin/kdns against an etcd with role-based access ({@code credentials}) and one that requires a
 * client certificate ({@code tls CERT KEY CACERT}): the right ones load, answer and follow the
 * watch; wrong ones leave kdns running and not ready, with one clear error in its log however often
 * it retries (no stack traces).
 */
@Timeout(180)
class EtcdAuthTlsTest {

    private static final String ZONE = "sec.local";
    /** How long a kdns with wrong credentials is watched: several reconnect attempts (0.2 s doubling to 3 s). */
    private static final long REFUSED_WATCH_MS = 8_000;

    @TempDir
    static Path dir;
    static EtcdServer authEtcd;
    static EtcdServer tlsEtcd;
    static EtcdCerts certs;
    static Kdns goodCredentials;
    static Kdns wrongCredentials;
    static Kdns goodCert;
    static Kdns foreignCert;

    /** One kdns with its DNS, ready and metrics ports. */
    record Kdns(KdnsProcess process, int port, int readyPort, int metricsPort) {
        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", port);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        authEtcd = EtcdServer.startWithAuth(new EtcdServer.Auth("root-secret", "kdns", "kdns-secret", "/skydns/"));
        authEtcd.put("/skydns/local/sec/www", "{\"host\":\"10.5.0.1\"}");
        Path certDir = Files.createDirectories(dir.resolve("certs"));
        certs = EtcdCerts.generate(certDir);
        tlsEtcd = EtcdServer.startWithClientCerts(certs);
        tlsEtcd.put("/skydns/local/sec/www", "{\"host\":\"10.6.0.1\"}");
        goodCredentials = kdns("good-credentials", authEtcd.endpoint(), "credentials kdns kdns-secret");
        wrongCredentials = kdns("wrong-credentials", authEtcd.endpoint(), "credentials kdns not-the-password");
        goodCert = kdns("good-cert", tlsEtcd.endpoint(),
                "tls " + certs.clientCert() + " " + certs.clientKey() + " " + certs.caCert());
        foreignCert = kdns("foreign-cert", tlsEtcd.endpoint(),
                "tls " + certs.foreignClientCert() + " " + certs.foreignClientKey() + " " + certs.caCert());
    }

    private static Kdns kdns(String name, String endpoint, String option) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        int port = KdnsProcess.freePort();
        int ready = KdnsProcess.freePort();
        int metrics = KdnsProcess.freePort();
        String corefile = ZONE + ":" + port + " {\n    ready 127.0.0.1:" + ready + "\n    prometheus 127.0.0.1:" + metrics
                + "\n    etcd " + ZONE + " {\n        endpoint " + endpoint + "\n        " + option + "\n    }\n}\n";
        return new Kdns(KdnsProcess.serve(work, corefile, port), port, ready, metrics);
    }

    @AfterAll
    static void stop() {
        for (Kdns k : new Kdns[] {goodCredentials, wrongCredentials, goodCert, foreignCert}) {
            if (k != null) {
                k.process().close();
            }
        }
        if (authEtcd != null) {
            authEtcd.close();
        }
        if (tlsEtcd != null) {
            tlsEtcd.close();
        }
    }

    @Test
    void rightCredentialsLoadAndFollowTheWatch() throws Exception {
        assertServes(goodCredentials, authEtcd, "10.5.0.1", "10.5.0.2");
    }

    @Test
    void rightClientCertificateLoadsAndFollowsTheWatch() throws Exception {
        assertServes(goodCert, tlsEtcd, "10.6.0.1", "10.6.0.2");
    }

    @Test
    void wrongCredentialsOneClearErrorNotReadyNoCrash() throws Exception {
        assertRefused(wrongCredentials, "authentication failed");
    }

    @Test
    void foreignClientCertificateOneClearErrorNotReadyNoCrash() throws Exception {
        assertRefused(foreignCert, "TLS");
    }

    private static void assertServes(Kdns k, EtcdServer etcd, String first, String changed) throws Exception {
        awaitA(k, "www." + ZONE + ".", first, 15_000);
        assertEquals(200, SkyDnsView.status(k.readyPort(), "/ready"));
        etcd.put("/skydns/local/sec/api", "{\"host\":\"" + changed + "\"}");
        awaitA(k, "api." + ZONE + ".", changed, 10_000);
    }

    private static void awaitA(Kdns k, String name, String ip, long ms) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        Message m = null;
        while (System.nanoTime() < deadline) {
            m = DnsClient.udp(k.address(), name, Type.A);
            if (m.getSection(Section.ANSWER).stream().anyMatch(r -> r.rdataToString().equals(ip))) {
                return;
            }
            Thread.sleep(100);
        }
        fail(name + " never answered " + ip + " within " + ms + " ms; last:\n" + m + "\n" + k.process().output());
    }

    /**
     * Over {@link #REFUSED_WATCH_MS}: /ready never 200, the process alive, names SERVFAIL (not
     * loaded), several reads attempted; then exactly one etcd error line naming the cause and no
     * stack trace in the log.
     */
    private static void assertRefused(Kdns k, String cause) throws Exception {
        long deadline = System.nanoTime() + REFUSED_WATCH_MS * 1_000_000L;
        int checks = 0;
        while (System.nanoTime() < deadline) {
            assertTrue(k.process().process().isAlive(), "kdns exited:\n" + k.process().output());
            assertNotEquals(200, SkyDnsView.status(k.readyPort(), "/ready"), "ready without etcd data");
            checks++;
            Thread.sleep(250);
        }
        assertEquals(Rcode.SERVFAIL, DnsClient.udp(k.address(), "www." + ZONE + ".", Type.A).getRcode());
        long attempts = initialReads(SkyDnsView.get(k.metricsPort(), "/metrics"));
        assertTrue(attempts >= 3, "kdns kept retrying the first read, got " + attempts + " attempts");
        String log = k.process().output();
        List<String> etcdLines = log.lines().filter(l -> l.contains("plugin/etcd")).toList();
        assertEquals(1, etcdLines.size(), "exactly one etcd line in the log over " + attempts + " attempts:\n" + log);
        assertTrue(etcdLines.get(0).contains(cause), "the error names the cause (" + cause + "):\n" + log);
        assertTrue(log.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
                "no stack trace or exception dump in the log:\n" + log);
        System.out.printf("etcd %s: %d reads refused in %d ms, /ready checked %d times (never 200), one log line: %s%n",
                cause, attempts, REFUSED_WATCH_MS, checks, etcdLines.get(0));
    }

    private static long initialReads(String metrics) {
        Matcher m = Pattern.compile("(?m)^coredns_etcd_relists_total\\{[^}]*reason=\"initial\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
