package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kdns.plugin.etcd.lookup.Resolver;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Values that a person or a broken writer could put into etcd, each beside a good value under the
 * same name: out-of-range ports, priorities, weights and TTLs, TXT strings over 255 octets,
 * over-long labels and names, addresses that are not addresses. Nothing throws; whatever CoreDNS
 * serves is served (its uint16 casts, its split TXT strings), the good sibling always, and every
 * record can be written to the wire.
 */
class HostileValuesTest {

    private static final String ZONE = "example.test.";
    private static final long[] BAD_NUMBERS = {-1, -10, 65536, 70000, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};

    private final Resolver resolver = new Resolver("/skydns", 30, 300);

    private static Node node(String key, String json, long revision) {
        return Node.of(key, json.getBytes(StandardCharsets.UTF_8), 0, revision);
    }

    /** An index holding the good value at x1 and {@code bad} at x2 under www.example.test. */
    private static Index.View withSibling(String bad) {
        Index index = new Index();
        index.put(node("/skydns/test/example/www/x1", "{\"host\":\"10.0.0.1\",\"port\":8080}", 1));
        index.put(node("/skydns/test/example/www/x2", bad, 2));
        return index.view();
    }

    private Resolver.Answer resolve(Index.View view, String name, int type) throws Exception {
        Resolver.Answer a = resolver.resolve(view, ZONE, Name.fromString(name), type, Resolver.NONE);
        Message m = new Message();
        a.answer().forEach(r -> m.addRecord(r, org.xbill.DNS.Section.ANSWER));
        a.extra().forEach(r -> m.addRecord(r, org.xbill.DNS.Section.ADDITIONAL));
        m.toWire(65535); // every record renders
        return a;
    }

    private static boolean has(List<Record> rs, String text) {
        return rs.stream().anyMatch(r -> r.rdataToString().contains(text));
    }

    @Test
    void srvNumbersOutOfRangeAreCastAsCoreDnsDoes() throws Exception {
        for (long bad : BAD_NUMBERS) {
            for (String field : new String[] {"port", "priority", "weight"}) {
                String json = "{\"host\":\"10.0.0.2\",\"" + field + "\":" + bad + "}";
                Resolver.Answer a = resolve(withSibling(json), "www.example.test.", Type.SRV);
                assertTrue(has(a.answer(), "8080"), json + ": the good sibling still serves");
                for (Record r : a.answer()) {
                    SRVRecord srv = (SRVRecord) r;
                    assertTrue(srv.getPort() >= 0 && srv.getPort() <= 0xFFFF);
                    assertTrue(srv.getPriority() >= 0 && srv.getPriority() <= 0xFFFF);
                    assertTrue(srv.getWeight() >= 0 && srv.getWeight() <= 0xFFFF);
                }
            }
        }
        Resolver.Answer a = resolve(withSibling("{\"host\":\"10.0.0.2\",\"port\":70000}"), "www.example.test.", Type.SRV);
        assertTrue(has(a.answer(), " 4464 "), "70000 as uint16 (CoreDNS's cast): " + a.answer());
    }

    @Test
    void ttlAboveTheSignedRangeIsServedAtTheLargestTtl() throws Exception {
        for (long ttl : new long[] {0x80000000L, 0xFFFFFFFFL}) {
            Resolver.Answer a = resolve(withSibling("{\"host\":\"10.0.0.2\",\"ttl\":" + ttl + "}"), "www.example.test.",
                    Type.A);
            assertEquals(2, a.answer().size(), "both addresses: " + a.answer());
            for (Record r : a.answer()) {
                assertTrue(r.getTTL() <= 0x7FFFFFFFL, r.toString());
            }
        }
        Resolver.Answer txt = resolve(withSibling("{\"text\":\"t\",\"ttl\":4294967295}"), "www.example.test.", Type.TXT);
        assertEquals(1, txt.answer().size());
    }

    @Test
    void longTextIsSplitInto255OctetStrings() throws Exception {
        String text = "a".repeat(1000);
        Resolver.Answer a = resolve(withSibling("{\"text\":\"" + text + "\"}"), "www.example.test.", Type.TXT);
        TXTRecord t = (TXTRecord) a.answer().get(0);
        assertEquals(4, t.getStrings().size());
        assertEquals(text, String.join("", t.getStrings()));
    }

    @Test
    void hostsThatAreNoNameGiveServfailForTheirNameOnly() throws Exception {
        for (String host : new String[] {"a".repeat(64) + ".example.org", ("abcdefghi." ).repeat(30) + "org", "..x",
            "1.2.3.999x", "bad\\\\999"}) {
            String json = "{\"host\":\"" + host + "\"}";
            Index.View view = withSibling(json);
            for (int type : new int[] {Type.A, Type.SRV, Type.CNAME, Type.MX, Type.TXT}) {
                try {
                    resolve(view, "www.example.test.", type);
                } catch (Resolver.DataError | Resolver.NameError expected) {
                    // SERVFAIL for a value that cannot be served, as CoreDNS (or no such name)
                }
            }
            Resolver.Answer good = resolve(view, "x1.www.example.test.", Type.A);
            assertTrue(good.answer().get(0) instanceof ARecord, json + ": the good sibling's own name still serves");
        }
    }

    @Test
    void addressesThatAreNotAddressesAreNames() throws Exception {
        Resolver.Answer a = resolve(withSibling("{\"host\":\"10.0.0.999\"}"), "www.example.test.", Type.A);
        assertTrue(has(a.answer(), "10.0.0.1"));
        assertFalse(has(a.answer(), "10.0.0.999"));
    }

    @Test
    void undecodableValuesAreDataErrorsNamingTheKey() throws Exception {
        Resolver.DataError e = assertThrows(Resolver.DataError.class,
                () -> resolve(withSibling("{\"port\":\"80\"}"), "www.example.test.", Type.A));
        assertTrue(e.getMessage().contains("/skydns/test/example/www/x2"), e.getMessage());
        assertTrue(resolve(withSibling("{\"port\":\"80\"}"), "x1.www.example.test.", Type.A).answer().size() == 1);
    }
}
