package kdns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.junit.jupiter.api.Test;

class ServerLabelsTest {

    private static Request over(Transport t, String local, int port) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("a.example."), Type.A, DClass.IN));
        return new Request(m, t, new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress(local, port), ".");
    }

    @Test
    void theSchemeIsTheTransports() throws Exception {
        assertEquals("dns://:53", ServerLabels.forRequest(over(Transport.UDP, "0.0.0.0", 53), List.of(), 53));
        assertEquals("dns://:53", ServerLabels.forRequest(over(Transport.TCP, "0.0.0.0", 53), List.of(), 53));
        assertEquals("tls://:853", ServerLabels.forRequest(over(Transport.TLS, "0.0.0.0", 853), List.of(), 853));
        assertEquals("https://127.0.0.1:443",
                ServerLabels.forRequest(over(Transport.HTTPS, "127.0.0.1", 443), List.of("127.0.0.1"), 443));
        assertEquals("grpc://[::1]:443", ServerLabels.forRequest(over(Transport.GRPC, "::1", 443), List.of("::1"), 443));
        assertEquals("quic://:853", ServerLabels.forRequest(over(Transport.QUIC, "0.0.0.0", 853), List.of(), 853));
        assertEquals("dns://127.0.0.53:53", ServerLabels.of("127.0.0.53", 53));
    }
}
