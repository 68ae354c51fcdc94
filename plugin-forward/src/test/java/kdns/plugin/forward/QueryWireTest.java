package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Request;
import kdns.api.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@link Exchange#queryWire}: the bytes dnsjava's {@code Message.toWire()} gives, for every shape of query. */
class QueryWireTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

    private static void same(Message m) {
        byte[] expected = m.toWire();
        Request r = new Request(m, Transport.UDP, CLIENT, LOCAL, ".");
        assertArrayEquals(expected, Exchange.queryWire(r), m.toString());
    }

    private static Message query(String name, int type) {
        Message m = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        m.getHeader().setID(0x2345);
        return m;
    }

    @Test
    void everyShapeGivesDnsjavasBytes() throws Exception {
        same(query("www.example.org.", Type.A));
        same(query("WwW.ExAmPlE.org.", Type.AAAA));
        same(query(".", Type.NS));
        Message edns = query("s1.example.org.", Type.A);
        edns.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO, List.of(new NSIDOption(new byte[0]),
                new ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0")))), Section.ADDITIONAL);
        same(edns);
        Message chaos = Message.newQuery(Record.newRecord(Name.fromConstantString("version.bind."), Type.TXT, DClass.CH));
        same(chaos);
        Message extra = query("www.example.org.", Type.A);
        extra.addRecord(new ARecord(Name.fromConstantString("www.example.org."), DClass.IN, 60,
                java.net.InetAddress.getByName("192.0.2.1")), Section.ADDITIONAL);
        same(extra);
    }
}
