package kdns.plugin.etcd.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import kdns.plugin.etcd.lookup.Resolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The SkyDNS JSON decoder and the lookups over what it decoded: any value under any key gives
 * records, a name error or a data error (SERVFAIL, logged once), never another exception.
 * Regression mode (make test) runs the seeds in SkyDnsFuzzTestInputs; JAZZER_FUZZ=1 fuzzes.
 */
class SkyDnsFuzzTest {

    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.MX, Type.CNAME, Type.PTR, Type.NS,
        Type.SOA, Type.ANY};

    /** Byte 0 picks the query type, byte 1 whether a child key holds the value too; the rest is the value. */
    @FuzzTest(maxDuration = "15s")
    void decodeAndAnswer(byte[] input) throws TextParseException {
        if (input == null || input.length < 2) {
            return;
        }
        String label = "www";
        int type = TYPES[Math.floorMod(input[0], TYPES.length)];
        boolean sibling = (input[1] & 1) == 1;
        byte[] value = java.util.Arrays.copyOfRange(input, 2, input.length);
        Index index = new Index("/skydns"); // as the server builds it: leaves found by name too
        index.put(Node.of("/skydns/test/example/" + label, value, 0, 1));
        if (sibling) {
            index.put(Node.of("/skydns/test/example/" + label + "/x1", value, 0, 2));
        }
        Resolver resolver = new Resolver("/skydns", 30, 300);
        for (Name q : new Name[] {Name.fromString(label + ".example.test."), Name.fromString("example.test."),
            Name.fromString("x1." + label + ".example.test.")}) {
            try {
                resolver.resolve(index.view(), "example.test.", q, type, Resolver.NONE);
            } catch (Resolver.NameError | Resolver.DataError expected) {
                // documented outcomes: NXDOMAIN, or SERVFAIL for data that cannot be served
            }
        }
    }
}
