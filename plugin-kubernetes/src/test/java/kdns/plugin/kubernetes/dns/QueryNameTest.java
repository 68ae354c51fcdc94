package kdns.plugin.kubernetes.dns;

import kdns.api.text.IpLiterals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** parse.go's rules. */
class QueryNameTest {

    private static final String ZONE = "cluster.local.";

    private static QueryName p(String name) {
        return QueryName.parse(name, ZONE.length());
    }

    @Test
    void shapes() {
        assertEquals(new QueryName("", "", "", "svc1", "ns", "svc", false), p("svc1.ns.svc.cluster.local."));
        assertEquals(new QueryName("", "", "ep", "svc1", "ns", "svc", false), p("ep.svc1.ns.svc.cluster.local."));
        assertEquals(new QueryName("http", "tcp", "", "svc1", "ns", "svc", false),
                p("_http._tcp.svc1.ns.svc.cluster.local."));
        assertEquals(new QueryName("http", "tcp", "", "svc1", "ns", "svc", false),
                p("http.tcp.svc1.ns.svc.cluster.local."), "underscores are optional");
        assertEquals(new QueryName("", "", "", "1-2-3-4", "ns", "pod", false), p("1-2-3-4.ns.pod.cluster.local."));
        assertEquals(new QueryName("", "", "", "", "ns", "svc", false), p("ns.svc.cluster.local."));
    }

    @Test
    void apexAndInvalid() {
        assertTrue(p("cluster.local.").apexish());
        assertTrue(p("svc.cluster.local.").apexish());
        assertTrue(p("pod.cluster.local.").apexish());
        assertTrue(p("foo.cluster.local.").invalid());
        assertTrue(p("dns-version.cluster.local.").invalid());
        assertTrue(p("a.b.c.svc1.ns.svc.cluster.local.").invalid(), "too long");
        assertFalse(p("*.ns.svc.cluster.local.").invalid(), "a wildcard is a plain label");
    }

    @Test
    void zonalNames() {
        QueryName z = QueryName.parse("corp.example.com.pin._zone.web.ns.svc.cluster.local.", ZONE.length(), true);
        assertEquals("corp.example.com", z.topologyZone());
        assertFalse(z.preferZone());
        assertEquals("web", z.service());
        assertTrue(QueryName.parse("a.prefer._zone.web.ns.svc.cluster.local.", ZONE.length(), true).preferZone());
        assertTrue(QueryName.parse("a.florp._zone.web.ns.svc.cluster.local.", ZONE.length(), true).invalid());
        assertTrue(QueryName.parse("a.pin._zone.web.ns.svc.cluster.local.", ZONE.length(), false).invalid(),
                "option off: too long");
        assertEquals("zone", QueryName.parse("a._zone.web.ns.svc.cluster.local.", ZONE.length(), true).protocol(),
                "two labels stay port and protocol");
    }

    @Test
    void clusterSetNames() {
        String zone = "clusterset.local.";
        QueryName ep = QueryName.parse("ep.c1.s.ns.svc.clusterset.local.", zone.length(), true, false);
        assertEquals(new QueryName("", "", "ep", "s", "ns", "svc", false, "", false, "c1"), ep);
        assertEquals(new QueryName("http", "tcp", "", "s", "ns", "svc", false),
                QueryName.parse("_http._tcp.s.ns.svc.clusterset.local.", zone.length(), true, false));
        assertEquals(new QueryName("http", "tcp", "", "s", "ns", "svc", false),
                QueryName.parse("_http.tcp.s.ns.svc.clusterset.local.", zone.length(), true, false),
                "one underscore is enough for port and protocol");
        assertEquals(new QueryName("", "", "ep", "s", "ns", "svc", false),
                QueryName.parse("ep.s.ns.svc.clusterset.local.", zone.length(), true, false));
        assertEquals(new QueryName("ep", "c1", "", "s", "ns", "svc", false),
                QueryName.parse("ep.c1.s.ns.svc.cluster.local.", ZONE.length(), false, false),
                "outside a cluster-set zone two labels are port and protocol");
        assertTrue(QueryName.parse("a.pin._zone.s.ns.svc.clusterset.local.", zone.length(), true, true).invalid(),
                "no zonal names in cluster-set zones");
    }

    @Test
    void escapedDotsStayInTheLabel() {
        assertEquals("svc\\.1", p("svc\\.1.ns.svc.cluster.local.").service());
    }

    @Test
    void goIpParsing() {
        assertEquals(4, IpLiterals.parseUnmapped("10.0.0.1").length);
        assertEquals(null, IpLiterals.parseUnmapped("010.0.0.1"));
        assertEquals(16, IpLiterals.parseUnmapped("fd00::1").length);
        assertEquals(null, IpLiterals.parseUnmapped("a.b.c.d"));
        assertEquals(null, IpLiterals.parseUnmapped("ext.interwebs.test."));
    }
}
