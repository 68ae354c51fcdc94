package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.zones.Fallthrough;
import kdns.plugin.kubernetes.spi.Port;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The answer builder over an index filled by hand (no API server). */
class McsAnswererTest {

    private static final Port HTTP = new Port("http", "TCP", 80);

    private static McsIndex index() {
        McsIndex idx = new McsIndex(() -> 1234);
        idx.putNamespace("db");
        idx.putImport(new ServiceImportInfo("db", "api", false, List.of("10.96.50.1"), List.of(HTTP)));
        idx.putImport(new ServiceImportInfo("db", "web", true, List.of(), List.of(HTTP)));
        idx.putImport(new ServiceImportInfo("db", "noports", false, List.of("10.96.50.2"), List.of()));
        idx.putSlice(new McsSlice("db", "web-a", "web", "clustera",
                List.of(new McsEndpoint("fd00::", "", "web-0-pod"), new McsEndpoint("10.1.0.10", "web-1", null)),
                List.of(HTTP)));
        return idx;
    }

    private static McsAnswerer answerer(McsIndex idx, AtomicBoolean synced, boolean noEndpoints, boolean ignoreEmpty,
                                        boolean kubernetesNames, Fallthrough fall) {
        McsOptions o = new McsOptions(List.of("clusterset.local."), 5, fall, noEndpoints, false, ignoreEmpty,
                kubernetesNames);
        return new McsAnswerer(o, idx, synced::get);
    }

    private static McsAnswerer plain(McsIndex idx) {
        return answerer(idx, new AtomicBoolean(true), false, false, false, Fallthrough.NONE);
    }

    private static Set<String> answers(Message m) {
        Set<String> out = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(r.rdataToString());
        }
        return out;
    }

    private static Message ask(McsAnswerer a, String name, int type) {
        return a.answer(TestRequests.query(name, type));
    }

    @Test
    void outsideTheZonesIsNotOurs() {
        assertNull(ask(plain(index()), "web.db.svc.cluster.local.", Type.A));
    }

    @Test
    void clusterSetIpWithoutPortsIsANameError() {
        assertEquals(Rcode.NXDOMAIN, ask(plain(index()), "noports.db.svc.clusterset.local.", Type.A).getRcode());
    }

    @Test
    void soaOnlyAtTheApex() {
        McsAnswerer a = plain(index());
        Message apex = ask(a, "clusterset.local.", Type.SOA);
        assertEquals(1, apex.getSection(Section.ANSWER).size());
        assertTrue(apex.getSection(Section.ANSWER).get(0).rdataToString().contains("1234 7200 1800 86400 5"));
        Message other = ask(a, "nothere.db.svc.clusterset.local.", Type.SOA);
        assertEquals(Rcode.NOERROR, other.getRcode());
        assertTrue(other.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void txtIsNodataOnlyWhereOtherRecordsAre() {
        // Services for TXT in multicluster.go and kubernetes.go: NODATA when Records finds services,
        // else NXDOMAIN, even for names that exist without records of their own
        for (McsAnswerer a : List.of(plain(index()),
                answerer(index(), new AtomicBoolean(true), false, false, true, Fallthrough.NONE))) {
            assertEquals(Rcode.NOERROR, ask(a, "api.db.svc.clusterset.local.", Type.TXT).getRcode());
            assertTrue(ask(a, "api.db.svc.clusterset.local.", Type.TXT).getSection(Section.ANSWER).isEmpty());
            assertEquals(Rcode.NOERROR, ask(a, "web-1.clustera.web.db.svc.clusterset.local.", Type.TXT).getRcode());
            assertEquals(Rcode.NOERROR, ask(a, "dns-version.clusterset.local.", Type.TXT).getRcode());
            for (String name : List.of("clusterset.local.", "svc.clusterset.local.", "db.svc.clusterset.local.",
                    "nothere.db.svc.clusterset.local.", "noports.db.svc.clusterset.local.")) {
                Message m = ask(a, name, Type.TXT);
                assertEquals(Rcode.NXDOMAIN, m.getRcode(), name);
                assertEquals(1, m.getSection(Section.AUTHORITY).size(), name);
            }
        }
    }

    @Test
    void apexNsIsANameErrorUnlessSpelledWithCapitals() {
        // multicluster.go ServeDNS: NS at the apex looks up ns.dns.<zone>, an invalid name (NXDOMAIN);
        // it compares state.Name() (lower case) with the zone as the query spells it, so under 0x20 the
        // query takes the fake A lookup, which finds the apex without records: NODATA
        McsAnswerer a = plain(index());
        Message lower = ask(a, "clusterset.local.", Type.NS);
        assertEquals(Rcode.NXDOMAIN, lower.getRcode());
        Message mixed = ask(a, "ClusterSet.Local.", Type.NS);
        assertEquals(Rcode.NOERROR, mixed.getRcode());
        assertTrue(mixed.getSection(Section.ANSWER).isEmpty());
        assertEquals("ClusterSet.Local.", mixed.getSection(Section.AUTHORITY).get(0).getName().toString());
    }

    @Test
    void dashedIpv6NamesFollowEachPlugin() {
        assertEquals(Set.of("fd00:0:0:0:0:0:0:0"),
                answers(ask(plain(index()), "fd00--.clustera.web.db.svc.clusterset.local.", Type.AAAA)));
        McsAnswerer k8s = answerer(index(), new AtomicBoolean(true), false, false, true, Fallthrough.NONE);
        assertEquals(Set.of("fd00:0:0:0:0:0:0:0"), answers(ask(k8s, "fd00--0.clustera.web.db.svc.clusterset.local.", Type.AAAA)));
        assertEquals(Rcode.NXDOMAIN, ask(k8s, "fd00--.clustera.web.db.svc.clusterset.local.", Type.AAAA).getRcode());
    }

    @Test
    void noendpointsMakesEndpointNamesNameErrors() {
        McsAnswerer a = answerer(index(), new AtomicBoolean(true), true, false, false, Fallthrough.NONE);
        assertEquals(Rcode.NXDOMAIN, ask(a, "web.db.svc.clusterset.local.", Type.A).getRcode());
        assertEquals(Rcode.NXDOMAIN, ask(a, "web-1.clustera.web.db.svc.clusterset.local.", Type.A).getRcode());
        assertEquals(Set.of("10.96.50.1"), answers(ask(a, "api.db.svc.clusterset.local.", Type.A)));
    }

    @Test
    void ignoreEmptyServiceHidesImportsWithoutEndpoints() {
        McsAnswerer a = answerer(index(), new AtomicBoolean(true), false, true, false, Fallthrough.NONE);
        assertEquals(Rcode.NXDOMAIN, ask(a, "api.db.svc.clusterset.local.", Type.A).getRcode());
    }

    @Test
    void servfailUntilSyncedAndFallthroughFirst() {
        AtomicBoolean synced = new AtomicBoolean(false);
        McsAnswerer a = answerer(index(), synced, false, false, false, Fallthrough.NONE);
        Message m = ask(a, "nothere.db.svc.clusterset.local.", Type.A);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
        assertEquals(Rcode.NOERROR, ask(a, "web.db.svc.clusterset.local.", Type.MX).getRcode());
        synced.set(true);
        assertEquals(Rcode.NXDOMAIN, ask(a, "nothere.db.svc.clusterset.local.", Type.A).getRcode());
        McsAnswerer fall = answerer(index(), new AtomicBoolean(false), false, false, false,
                Fallthrough.fromArgs(List.of()));
        assertNull(ask(fall, "nothere.db.svc.clusterset.local.", Type.A));
    }

    @Test
    void updatesMoveTheSerialOnlyOnDnsChanges() {
        long[] now = {100};
        McsIndex idx = new McsIndex(() -> now[0]);
        McsSlice s = new McsSlice("db", "w", "web", "a", List.of(new McsEndpoint("10.0.0.1", "", null)),
                List.of(HTTP));
        now[0] = 200;
        idx.putSlice(s);
        assertEquals(200, idx.modified());
        now[0] = 300;
        idx.putSlice(new McsSlice("db", "w", "web", "a", List.of(new McsEndpoint("10.0.0.1", "", null)),
                List.of(HTTP)));
        assertEquals(200, idx.modified(), "same DNS data");
        idx.putSlice(new McsSlice("db", "w", "web", "b", List.of(new McsEndpoint("10.0.0.1", "", null)),
                List.of(HTTP)));
        assertEquals(300, idx.modified(), "cluster id changed");
        assertEquals(1, idx.slicesOf("db", "web").size());
        idx.removeSlice("db", "w");
        assertTrue(idx.slicesOf("db", "web").isEmpty());
    }
}
