package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The multicluster name shapes (parse.go). */
class McsNameTest {

    private static final String Z = "clusterset.local.";

    private static McsName parse(String name) {
        return McsName.parse(name, Z.length());
    }

    @Test
    void serviceName() {
        McsName n = parse("web.db.svc." + Z);
        assertFalse(n.invalid());
        assertEquals("web", n.service());
        assertEquals("db", n.namespace());
        assertEquals("", n.endpoint());
    }

    @Test
    void portAndProtocol() {
        McsName n = parse("_http._tcp.web.db.svc." + Z);
        assertEquals("http", n.port());
        assertEquals("tcp", n.protocol());
        assertEquals("", n.cluster());
    }

    @Test
    void endpointAndCluster() {
        McsName n = parse("web-0.clustera.web.db.svc." + Z);
        assertEquals("web-0", n.endpoint());
        assertEquals("clustera", n.cluster());
        assertEquals("", n.port());
    }

    @Test
    void invalidShapes() {
        assertTrue(parse("clustera.web.db.svc." + Z).invalid(), "one extra label");
        assertTrue(parse("a.b.c.web.db.svc." + Z).invalid(), "three extra labels");
        assertTrue(parse("dns-version." + Z).invalid(), "last label not svc/pod");
    }

    @Test
    void noRequestNames() {
        assertTrue(parse(Z).noRequest());
        assertTrue(parse("svc." + Z).noRequest());
        assertTrue(parse("pod." + Z).noRequest());
        McsName ns = parse("db.svc." + Z);
        assertFalse(ns.noRequest());
        assertEquals("db", ns.namespace());
        assertEquals("", ns.service());
    }
}
