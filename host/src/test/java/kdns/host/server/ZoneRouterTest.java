package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import kdns.api.Handler;
import kdns.api.MetadataProvider;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ZoneRouterTest {

    private static BlockChain chain(String zone) {
        return new BlockChain(zone, "dns://" + zone + ":53", null, false);
    }

    private final ZoneRouter router = new ZoneRouter(List.of(chain("."), chain("example.org."),
            chain("a.example.org."), chain("10.in-addr.arpa.")));

    @Test
    void longestZoneWins() {
        assertEquals("a.example.org.", router.route("x.a.example.org.", Type.A).zone());
        assertEquals("a.example.org.", router.route("a.example.org.", Type.A).zone());
        assertEquals("example.org.", router.route("b.example.org.", Type.A).zone());
        assertEquals("example.org.", router.route("example.org.", Type.A).zone());
        assertEquals(".", router.route("example.com.", Type.A).zone());
        assertEquals("10.in-addr.arpa.", router.route("1.0.0.10.in-addr.arpa.", Type.PTR).zone());
    }

    @Test
    void dsGoesToTheParentSide() {
        assertEquals("example.org.", router.route("a.example.org.", Type.DS).zone());
        assertEquals(".", router.route("example.org.", Type.DS).zone());
    }

    @Test
    void dsWithoutParentFallsBackToTheZoneItself() {
        ZoneRouter only = new ZoneRouter(List.of(chain("example.org.")));
        assertEquals("example.org.", only.route("example.org.", Type.DS).zone());
    }

    @Test
    void nothingMatchesWithoutRoot() {
        ZoneRouter only = new ZoneRouter(List.of(chain("example.org.")));
        assertNull(only.route("example.com.", Type.A));
        assertNull(only.route("org.", Type.A));
    }

    @Test
    void namesLongerThanEveryZoneStartAtTheLongestSuffixThatCanMatch() {
        ZoneRouter root = new ZoneRouter(List.of(chain(".")));
        assertEquals(".", root.route("s1.deep.example.org.", Type.A).zone());
        assertEquals(".", root.route("org.", Type.DS).zone());
        assertEquals("a.example.org.", router.route("q.r.s.x.a.example.org.", Type.A).zone());
        assertEquals(3, ZoneRouter.labels("a\\.x.b.c."));
        assertEquals(0, ZoneRouter.labels("."));
        assertEquals(7, ZoneRouter.skipLabels("a\\.x.b.c.", 0, 2)); // "c."
        assertEquals(4, ZoneRouter.skipLabels("b.c.", 0, 5)); // past the last label: the root
    }

    @Test
    void labelsAreSkippedOverEscapedDots() {
        assertEquals(5, ZoneRouter.skipLabels("a\\.x.b.", 0, 1)); // "b."
        assertEquals(2, ZoneRouter.skipLabels("b.", 0, 1)); // the root
        assertEquals(8, ZoneRouter.skipLabels("example.org.", 0, 1)); // "org."
        assertEquals(12, ZoneRouter.skipLabels("example.org.", 8, 1));
    }

    @Test
    void aZoneIsMatchedOnlyByAWholeSuffixOfItsOwnLength() {
        ZoneRouter r = new ZoneRouter(List.of(chain("ample.org."), chain("org."), chain("b.example.org.")));
        assertEquals("org.", r.route("example.org.", Type.A).zone());
        assertEquals("ample.org.", r.route("x.ample.org.", Type.A).zone());
        assertEquals("b.example.org.", r.route("a.b.example.org.", Type.A).zone());
        assertEquals("org.", r.route("xb.example.org.", Type.A).zone());
        assertNull(r.route("example.com.", Type.A));
    }

    private static final Handler ANSWERS = new Handler() {
        @Override
        public String name() {
            return "whoami";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            return 0;
        }
    };

    private static BlockChain view(String zone, String view, Predicate<Request> filter, MetadataCollector md) {
        return new BlockChain(zone, "dns://" + zone + ":53", ANSWERS, false, 0, 0, false, view, filter, md, null);
    }

    private static Request query(String name, int type) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        return new Request(m, Transport.UDP, new InetSocketAddress("127.0.0.1", 5353),
                new InetSocketAddress("127.0.0.1", 53), ".");
    }

    @Test
    void blocksOfOneZoneAreTriedInOrderAndTheFirstAdmittingOneWins() throws Exception {
        BlockChain a = view("example.", "v-a", r -> r.qtype() == Type.A, null);
        BlockChain aaaa = view("example.", "v-aaaa", r -> r.qtype() == Type.AAAA, null);
        BlockChain rest = view("example.", "", null, null);
        ZoneRouter views = new ZoneRouter(List.of(a, aaaa, rest));
        assertEquals("v-a", views.route(query("x.example.", Type.A)).view());
        assertEquals("v-aaaa", views.route(query("x.example.", Type.AAAA)).view());
        assertEquals("", views.route(query("x.example.", Type.MX)).view());
    }

    @Test
    void withoutAnAdmittingBlockTheParentZonesAreTried() throws Exception {
        BlockChain a = view("example.", "v-a", r -> r.qtype() == Type.A, null);
        ZoneRouter onlyView = new ZoneRouter(List.of(a));
        assertNull(onlyView.route(query("x.example.", Type.MX)), "no catch-all: REFUSED");
        BlockChain root = view(".", "", null, null);
        ZoneRouter withRoot = new ZoneRouter(List.of(a, root));
        assertEquals(".", withRoot.route(query("x.example.", Type.MX)).zone());
        assertEquals("example.", withRoot.route(query("x.example.", Type.A)).zone());
    }

    @Test
    void aFilterThatFailsKeepsTheQueryOut() throws Exception {
        BlockChain broken = view("example.", "broken", r -> {
            throw new IllegalStateException("bug");
        }, null);
        BlockChain rest = view("example.", "", null, null);
        assertEquals("", new ZoneRouter(List.of(broken, rest)).route(query("x.example.", Type.A)).view());
    }

    @Test
    void metadataIsCollectedBeforeTheFilterOfEachBlockTried() throws Exception {
        List<String> calls = new ArrayList<>();
        MetadataProvider provider = r -> {
            calls.add(r.name());
            r.setMetadata("test/kind", () -> "provided");
        };
        Predicate<Request> wantsOwnName = r -> "meta2".equals(r.metadata("view/name"));
        BlockChain first = view("example.", "meta1", r -> "nope".equals(r.metadata("view/name")),
                new MetadataCollector(List.of("example."), List.of(provider), "meta1"));
        BlockChain noMetadata = view("example.", "other", wantsOwnName, null);
        BlockChain second = view("example.", "meta2", wantsOwnName,
                new MetadataCollector(List.of("example."), List.of(), "meta2"));
        Request q = query("x.example.", Type.A);
        BlockChain chosen = new ZoneRouter(List.of(first, noMetadata, second)).route(q);
        assertEquals("meta2", chosen.view());
        assertEquals(List.of("x.example."), calls);
        assertEquals("provided", q.metadata("test/kind"));
        assertEquals("meta2", q.inServerZone("example.", "meta2").metadata("view/name"));
    }

    @Test
    void metadataIsCollectedOnlyForTheCollectorsZones() throws Exception {
        List<String> calls = new ArrayList<>();
        MetadataProvider provider = r -> calls.add(r.name());
        BlockChain root = view(".", "", null, new MetadataCollector(List.of("example."), List.of(provider), ""));
        ZoneRouter router = new ZoneRouter(List.of(root));
        router.route(query("other.", Type.A));
        router.route(query("x.example.", Type.A));
        assertEquals(List.of("x.example."), calls);
    }
}
