package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import kdns.plugin.etcd.msg.Paths;
import kdns.plugin.etcd.msg.Service;
import org.junit.jupiter.api.Test;

/** Keys and values as CoreDNS's msg package reads them. */
class MsgTest {

    private static Service decode(String json) throws Exception {
        return Service.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void paths() {
        assertEquals("/skydns", Paths.normalizePrefix("skydns"));
        assertEquals("/skydns", Paths.normalizePrefix("/skydns/"));
        assertEquals("/skydns/local/skydns/staging/service", Paths.path("service.staging.skydns.local.", "/skydns"));
        assertEquals("/skydns/arpa/in-addr/10/0/0/1", Paths.path("1.0.0.10.in-addr.arpa.", "/skydns"));
        assertEquals(new Paths.Wildcard("/skydns/test/skydns", true), Paths.pathWithWildcard("prod.*.skydns.test.", "/skydns"));
        // an escaped dot stays inside its label; empty labels are dropped; "any" cuts like "*"
        assertEquals("/skydns/c/a\\.b", Paths.path("a\\.b.c.", "/skydns"));
        assertEquals("/b/a", Paths.path("a..b.", "/"));
        assertEquals(new Paths.Wildcard("/skydns/test", true), Paths.pathWithWildcard("x.any.test.", "/skydns"));
        assertEquals(new Paths.Wildcard("/skydns/test/anyx/x", false), Paths.pathWithWildcard("x.anyx.test.", "/skydns"));
        assertEquals(new Paths.Wildcard("/skydns", true), Paths.pathWithWildcard("*.", "/skydns"));
        assertEquals("service.staging.cluster.local.", Paths.domain("/skydns/local/cluster/staging/service", "/skydns"));
        assertEquals("nginx.k8s.local.", Paths.targetStrip("3e1f5a7b.nginx.k8s.local.", 1));
        assertEquals("a.b.", Paths.targetStrip("a.b.", 2));
        assertEquals("b.", Paths.targetStrip("a.b.", 1));
        assertEquals("a.b.", Paths.targetStrip("a.b.", 5_555_555_555_551L), "more labels than the name has: unchanged, at once");
    }

    @Test
    void valuesDecodeLikeGo() throws Exception {
        Service s = decode("{\"Host\":\"10.0.0.1\",\"PORT\":80,\"ttl\":42,\"owner\":\"x\",\"group\":null,\"mail\":true}");
        assertEquals("10.0.0.1", s.host());
        assertEquals(80, s.port());
        assertEquals(42, s.ttl());
        assertEquals(true, s.mail());
        assertEquals("", s.group());
        assertEquals("", decode("null").host());
        assertThrows(Service.DecodeException.class, () -> decode("not-json"));
        assertThrows(Service.DecodeException.class, () -> decode("{\"port\":\"80\"}"));
        assertThrows(Service.DecodeException.class, () -> decode("{\"port\":80.5}"));
        assertThrows(Service.DecodeException.class, () -> decode("{\"ttl\":-1}"));
        assertThrows(Service.DecodeException.class, () -> decode("{\"ttl\":4294967296}"));
        assertThrows(Service.DecodeException.class, () -> decode("[1]"));
        assertThrows(Service.DecodeException.class, () -> decode("{} x"));
        assertThrows(Service.DecodeException.class, () -> decode("{\"mail\":1}"));
    }
}
