package kdns.host.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.host.server.BlockChain;
import kdns.host.server.QueryProcessor;
import kdns.host.server.ZoneRouter;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * The wire path: any bytes in, at most one reply out, never an exception. A reply always parses,
 * carries the query's ID and fits the UDP limit the query allows. Regression mode (make test) runs
 * the seeds in WireFuzzTestInputs; JAZZER_FUZZ=1 fuzzes (make fuzz).
 */
class WireFuzzTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);

    /** Answers with as many A records as the first label is long: exercises truncation. */
    private static final Handler ANSWER = new Handler() {
        @Override
        public String name() {
            return "answer";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            Message m = new Message();
            int n = Math.min(300, request.name().indexOf('.') + 1);
            for (int i = 0; i < n; i++) {
                m.addRecord(new ARecord(request.qname(), DClass.IN, 60, CLIENT.getAddress()), Section.ANSWER);
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }
    };

    private static final QueryProcessor PROCESSOR = new QueryProcessor(new ZoneRouter(List.of(
            new BlockChain(".", "dns://.:53", ANSWER, true),
            new BlockChain("example.org.", "dns://example.org.:53", null, false))), (k, t) -> {
                throw new AssertionError("handler failure on fuzzed input", t);
            });

    @FuzzTest(maxDuration = "15s")
    void udpAndTcp(byte[] packet) throws IOException {
        for (Transport t : new Transport[] {Transport.UDP, Transport.TCP}) {
            List<byte[]> replies = new ArrayList<>();
            PROCESSOR.handle(packet, packet.length, t, CLIENT, CLIENT, (wire, len) -> replies.add(wire));
            assertTrue(replies.size() <= 1, "at most one reply");
            if (replies.isEmpty()) {
                continue;
            }
            byte[] reply = replies.get(0);
            assertEquals(packet[0], reply[0], "ID kept");
            assertEquals(packet[1], reply[1], "ID kept");
            Message m = new Message(reply); // must parse
            assertTrue(m.getHeader().getFlag(org.xbill.DNS.Flags.QR));
            if (t == Transport.UDP) {
                int limit = 512;
                try {
                    Message q = new Message(packet);
                    if (q.getOPT() != null) {
                        limit = Math.max(512, q.getOPT().getPayloadSize());
                    }
                } catch (IOException | RuntimeException unparsable) {
                    // error replies are bare headers
                }
                assertTrue(reply.length <= limit, "reply of " + reply.length + " bytes over the limit " + limit);
            }
        }
    }
}
