package kdns.plugin.etcd.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import kdns.api.Rcodes;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.WireMessage;
import kdns.api.WireReplies;
import kdns.plugin.etcd.store.Index;
import kdns.plugin.etcd.store.Node;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link Resolver#addresses} and the wire replies the handler writes from it: the same records as
 * {@link Resolver#resolve} in the same order, and the bytes of the message the handler builds from
 * those (with the ID the server's writer puts in); -1 for what only {@code resolve} answers. Each
 * through an index that finds leaves by their names (the server's) and one read by paths only.
 */
class WireAnswersTest {

    private static final String ZONE = "skydns.test.";
    private static final Resolver RESOLVER = new Resolver("/skydns", 30, 86400);
    private static final List<Node> NODES = List.of(
            node("/skydns/test/skydns/cname", "{\"host\":\"www.example.org\"}"),
            node("/skydns/test/skydns/mixed/a", "{\"host\":\"10.0.0.3\",\"ttl\":60}"),
            node("/skydns/test/skydns/mixed/b", "{\"host\":\"2001:db8::3\"}"),
            node("/skydns/test/skydns/mixed/c", "{\"host\":\"\",\"text\":\"words\"}"),
            node("/skydns/test/skydns/mixed/d", "{\"host\":\"10.0.0.4\"}"),
            node("/skydns/test/skydns/mixed/e", "{\"host\":\"10.0.0.3\"}"),
            node("/skydns/test/skydns/one", "{\"host\":\"10.0.0.1\",\"ttl\":77}"),
            node("/skydns/test/skydns/text", "{\"text\":\"only words\"}"),
            node("/skydns/test/skydns/via/x", "{\"host\":\"10.0.0.9\"}"),
            node("/skydns/test/skydns/via/y", "{\"host\":\"one.skydns.test\"}"),
            node("/skydns/test/skydns/bad", "{\"host\":"));
    private static final Index BY_NAME = Index.of("/skydns", NODES);
    private static final Index BY_PATH = Index.of(NODES);
    private static final List<Index> INDEXES = List.of(BY_NAME, BY_PATH);

    private static Node node(String key, String json) {
        return Node.of(key, json.getBytes(StandardCharsets.UTF_8), 0, 1);
    }

    private static Request received(String name, int type) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().setID(0x4321);
        q.getHeader().unsetFlag(Flags.RD);
        Request r = Request.received(q.toWire(), Transport.UDP, new InetSocketAddress("127.0.0.1", 4000),
                new InetSocketAddress("127.0.0.1", 53), ".");
        assertNotNull(r, name);
        return r;
    }

    /** What the handler writes for an answer without error: the records, or the SOA when there are none. */
    private static byte[] messageReply(Request request, int rcode, List<Record> answer) {
        Message m = Replies.replyTo(request);
        m.getHeader().setRcode(rcode);
        m.getHeader().setFlag(Flags.AA);
        for (Record r : answer) {
            m.addRecord(r, Section.ANSWER);
        }
        if (answer.isEmpty()) {
            m.addRecord(RESOLVER.soa(ZONE), Section.AUTHORITY);
        }
        return m.toWire();
    }

    private static void assertWire(byte[] expected, WireMessage w, String what) {
        assertNotNull(w, what);
        byte[] wire = java.util.Arrays.copyOf(w.wire(), w.length());
        wire[0] = expected[0]; // the ID is the writer's to put in
        wire[1] = expected[1];
        assertArrayEquals(expected, wire, what);
    }

    private static void assertSameAsResolve(String name, int type, int expectedCount) throws Exception {
        for (Index index : INDEXES) {
            assertSameAsResolve(index, name, type, expectedCount);
        }
    }

    private static void assertSameAsResolve(Index index, String name, int type, int expectedCount) throws Exception {
        Request request = received(name, type);
        Resolver.Addresses found = new Resolver.Addresses();
        int n = RESOLVER.addresses(index.view(), ZONE, request.name(), type, found);
        assertEquals(expectedCount, n, name + " " + Type.string(type));
        Resolver.Answer answer = RESOLVER.resolve(index.view(), ZONE, request.qname(), type, Resolver.NONE);
        assertEquals(n, answer.answer().size(), name + ": as many records as resolve gives");
        assertWireInOneSecond(() -> messageReply(request, Rcodes.NOERROR, answer.answer()),
                () -> n == 0 ? RESOLVER.negativeWire(request, ZONE, Rcodes.NOERROR)
                        : WireReplies.address(request, type, found.ttls(), found.addresses(), n),
                name + " " + Type.string(type));
    }

    /**
     * Both replies built within one wall-clock second: a negative reply's SOA serial is the current
     * Unix second (as CoreDNS's), read separately by each form, so a pair that straddled a second
     * is built again (a second cannot tick during each of three pairs built microseconds apart).
     */
    private static void assertWireInOneSecond(Supplier<byte[]> expected, Supplier<WireMessage> actual, String what) {
        for (int attempt = 1; ; attempt++) {
            long second = System.currentTimeMillis() / 1000;
            byte[] e = expected.get();
            WireMessage w = actual.get();
            if (System.currentTimeMillis() / 1000 == second || attempt == 3) {
                assertWire(e, w, what);
                return;
            }
        }
    }

    @Test
    void oneAddressIsTheResolvedRecord() throws Exception {
        assertSameAsResolve("one.skydns.test.", Type.A, 1);
    }

    @Test
    void severalEntriesGiveTheirAddressesOfTheFamilyInOrderEachHostOnce() throws Exception {
        assertSameAsResolve("mixed.skydns.test.", Type.A, 2);
        assertSameAsResolve("mixed.skydns.test.", Type.AAAA, 1);
    }

    @Test
    void aNameWithoutAddressesIsNoData() throws Exception {
        assertSameAsResolve("text.skydns.test.", Type.A, 0);
        assertSameAsResolve("one.skydns.test.", Type.AAAA, 0);
    }

    @Test
    void cnamesAndTheApexAndOtherTypesAreLeftToResolve() throws Exception {
        Resolver.Addresses found = new Resolver.Addresses();
        for (Index index : INDEXES) {
            assertEquals(-1, RESOLVER.addresses(index.view(), ZONE, "cname.skydns.test.", Type.A, found));
            assertEquals(-1, RESOLVER.addresses(index.view(), ZONE, "via.skydns.test.", Type.A, found));
            assertEquals(-1, RESOLVER.addresses(index.view(), ZONE, ZONE, Type.A, found));
            assertEquals(-1, RESOLVER.addresses(index.view(), ZONE, "one.skydns.test.", Type.TXT, found));
        }
    }

    @Test
    void aValueThatDoesNotDecodeIsLeftToResolve() throws Exception {
        // resolve then answers SERVFAIL and logs the key's error; the path read meets the error itself
        assertEquals(-1, RESOLVER.addresses(BY_NAME.view(), ZONE, "bad.skydns.test.", Type.A, new Resolver.Addresses()));
        assertThrows(Resolver.DataError.class,
                () -> RESOLVER.addresses(BY_PATH.view(), ZONE, "bad.skydns.test.", Type.A, new Resolver.Addresses()));
        assertThrows(Resolver.DataError.class,
                () -> RESOLVER.resolve(BY_NAME.view(), ZONE, Name.fromString("bad.skydns.test."), Type.A, Resolver.NONE));
    }

    @Test
    void aMissingNameIsANameErrorAndItsWireReplyTheNxdomainMessage() throws Exception {
        Request request = received("missing.skydns.test.", Type.A);
        for (Index index : INDEXES) {
            assertThrows(Resolver.NameError.class,
                    () -> RESOLVER.addresses(index.view(), ZONE, request.name(), Type.A, new Resolver.Addresses()));
        }
        assertWireInOneSecond(() -> messageReply(request, Rcodes.NXDOMAIN, List.of()),
                () -> RESOLVER.negativeWire(request, ZONE, Rcodes.NXDOMAIN), "NXDOMAIN");
    }

    @Test
    void aClientSpellingInUpperCaseGetsNoWireReply() throws Exception {
        Request request = received("One.skydns.test.", Type.A);
        Resolver.Addresses found = new Resolver.Addresses();
        int n = RESOLVER.addresses(BY_NAME.view(), ZONE, request.name(), Type.A, found);
        assertEquals(1, n);
        assertNull(WireReplies.address(request, Type.A, found.ttls(), found.addresses(), n));
        assertNull(RESOLVER.negativeWire(request, ZONE, Rcodes.NXDOMAIN));
    }
}
