package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

/** The directive's syntax and its errors (CoreDNS's setup_test.go plus kdns's checks). */
class SetupTest {

    private static EtcdPlugin.Config parse(String text) throws PluginException {
        return EtcdPlugin.parse(TestController.of(text, List.of("skydns.local.")));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        EtcdPlugin.Config c = parse("etcd");
        assertEquals(List.of("skydns.local."), c.zones());
        assertEquals("/skydns", c.prefix());
        assertEquals(List.of(URI.create("http://localhost:2379")), c.endpoints());
        assertEquals(30, c.minLeaseTtl());
        assertEquals(86400, c.maxLeaseTtl());
        assertEquals("", c.username());
    }

    @Test
    void everyOption() throws Exception {
        EtcdPlugin.Config c = parse("etcd Skydns.Local 10.0.0.0/24 {\n stubzones\n debug\n upstream 8.8.8.8\n"
                + " path /other/\n endpoint http://a:2379 b:2380 https://[::1]:2379\n credentials u p\n"
                + " fallthrough 0.0.10.in-addr.arpa\n min-lease-ttl 1m\n max-lease-ttl 7200\n}");
        assertEquals(List.of("skydns.local.", "0.0.10.in-addr.arpa."), c.zones());
        assertEquals("/other", c.prefix());
        assertEquals(List.of(URI.create("http://a:2379"), URI.create("http://b:2380"), URI.create("https://[::1]:2379")),
                c.endpoints());
        assertEquals("u", c.username());
        assertEquals("p", c.password());
        assertTrue(c.fall().through("5.0.0.10.in-addr.arpa."));
        assertTrue(!c.fall().through("x.skydns.local."));
        assertEquals(60, c.minLeaseTtl());
        assertEquals(7200, c.maxLeaseTtl());
    }

    @Test
    void errorsNameWhatToFix() {
        assertTrue(error("etcd {\n endpoints http://a:2379\n}").contains("unknown property 'endpoints'"));
        assertTrue(error("etcd {\n endpoint\n}").contains("Wrong argument count"));
        assertTrue(error("etcd {\n credentials u\n}").contains("credentials requires 2 arguments, username and password"));
        assertTrue(error("etcd {\n credentials\n}").contains("Wrong argument count"));
        assertTrue(error("etcd {\n path\n}").contains("Wrong argument count"));
        assertTrue(error("etcd {\n min-lease-ttl abc\n}").contains("invalid min-lease-ttl value"));
        assertTrue(error("etcd {\n max-lease-ttl -5s\n}").contains("invalid max-lease-ttl value"));
        assertTrue(error("etcd {\n tls a b c d\n}").contains("maximum of three arguments allowed for TLS config, found 4"));
        assertTrue(error("etcd {\n tls /nonexistent/ca.pem\n}").contains("/nonexistent/ca.pem"));
        assertTrue(error("etcd {\n endpoint ftp://a:1\n}").contains("http:// or https://"));
        assertTrue(error("etcd {\n min-lease-ttl 4294967296\n}").contains("4294967295"));
    }

    @Test
    void ttlFormats() {
        assertEquals(30, EtcdPlugin.parseTtl("30"));
        assertEquals(30, EtcdPlugin.parseTtl(" 30s "));
        assertEquals(300, EtcdPlugin.parseTtl("5m"));
        assertEquals(9000, EtcdPlugin.parseTtl("2h30m"));
        assertEquals(0, EtcdPlugin.parseTtl(""));
        assertEquals(0, EtcdPlugin.parseTtl("0s"));
        assertThrows(IllegalArgumentException.class, () -> EtcdPlugin.parseTtl("1y"));
        assertThrows(IllegalArgumentException.class, () -> EtcdPlugin.parseTtl("-1s"));
    }
}
