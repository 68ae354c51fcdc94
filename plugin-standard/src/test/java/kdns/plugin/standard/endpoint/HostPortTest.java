package kdns.plugin.standard.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {

    private static String error(String s) {
        return assertThrows(IllegalArgumentException.class, () -> HostPort.parse(s)).getMessage();
    }

    @Test
    void parses() throws Exception {
        HostPort any = HostPort.parse(":8080");
        assertEquals("", any.host());
        assertEquals(8080, any.port());
        assertEquals(new InetSocketAddress(8080), any.bindAddress());
        assertEquals("http://127.0.0.1:8080/health", any.url("/health"));

        HostPort local = HostPort.parse("localhost:8091");
        assertEquals("localhost", local.host());
        assertEquals("http://localhost:8091/ready", local.url("/ready"));

        HostPort v6 = HostPort.parse("[::1]:53");
        assertEquals("::1", v6.host());
        assertEquals("http://[::1]:53/x", v6.url("/x"));
        assertEquals("http://[::1]:53/x", HostPort.parse("[::]:53").url("/x"));
        assertEquals("http://127.0.0.1:1/x", HostPort.parse("0.0.0.0:1").url("/x"));
        assertEquals(HostPort.parse("[0:0::1]:53").key(), v6.key());
    }

    @Test
    void errors() {
        assertEquals("address bla: missing port in address", error("bla"));
        assertEquals("address a:b:c: too many colons in address", error("a:b:c"));
        assertEquals("address ::1: too many colons in address", error("::1"));
        assertEquals("address [::1: missing ']' in address", error("[::1"));
        assertEquals("address [::1]: missing port in address", error("[::1]"));
        assertEquals("invalid port \"a\" in address bla:a: want a number from 1 to 65535", error("bla:a"));
        assertEquals("invalid port \"0\" in address 127.0.0.1:0: want a number from 1 to 65535", error("127.0.0.1:0"));
        assertEquals("invalid port \"\" in address host:: want a number from 1 to 65535", error("host:"));
        assertEquals("invalid port \"65536\" in address :65536: want a number from 1 to 65535", error(":65536"));
    }
}
