package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Instance.serve: a lookup through the whole server, routed by zone like a query from outside. */
class InstanceServeTest {

    private static Request request(String name, InetSocketAddress local) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN));
        return new Request(q, Transport.UDP, local, local, ".");
    }

    @Test
    void routesByLongestZoneToTheBlocksChain() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(
                "example.org:0 {\n    testanswer 2\n}\nsub.example.org:0 {\n    testanswer 3\n}\n")) {
            List<Message> got = new ArrayList<>();
            ResponseWriter w = new ResponseWriter() {
                @Override
                public void write(Message reply) {
                    got.add(reply);
                }

                @Override
                public InetSocketAddress remoteAddress() {
                    return s.address();
                }

                @Override
                public InetSocketAddress localAddress() {
                    return s.address();
                }
            };
            var inst = s.server().instance();
            inst.serve(request("a.sub.example.org.", s.address()), w);
            inst.serve(request("a.example.org.", s.address()), w);
            assertEquals(3, got.get(0).getSection(Section.ANSWER).size());
            assertEquals(2, got.get(1).getSection(Section.ANSWER).size());
            assertEquals(Rcodes.REFUSED, inst.serve(request("example.com.", s.address()), w));
        }
    }
}
