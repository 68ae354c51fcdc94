package kdns.plugin.forward.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kdns.api.PluginException;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setup: CoreDNS's grpc syntax, defaults and error messages. */
class GrpcSetupTest {

    @TempDir
    Path dir;
    private TestController last;

    @AfterEach
    void shutdown() {
        if (last != null) {
            last.runShutdown();
        }
    }

    private GrpcHandler parse(String text) throws Exception {
        last = TestController.of(text);
        new GrpcPlugin().setup(last);
        return (GrpcHandler) last.handler(TestHandlers.returning(0));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> new GrpcPlugin().setup(TestController.of(text)), text)
                .getMessage();
    }

    private static List<String> addrs(GrpcHandler h) {
        return h.upstreams.stream().map(GrpcUpstream::addr).toList();
    }

    @Test
    void defaults() throws Exception {
        GrpcHandler h = parse("grpc . 127.0.0.1");
        assertEquals(".", h.from);
        assertEquals(List.of("127.0.0.1:53"), addrs(h), "a bare address gets port 53 (parse.HostPortOrFile)");
        assertInstanceOf(GrpcPolicy.Random.class, h.policy);
        assertEquals(List.of(), h.ignored);
        assertEquals(List.of(), h.fall.zones());
    }

    @Test
    void addresses() throws Exception {
        GrpcHandler h = parse("grpc example.org 127.0.0.1:9005 [::1]:1053 ::1 grpc://10.0.0.1 dns://10.0.0.2:5353");
        assertEquals("example.org.", h.from);
        assertEquals(List.of("127.0.0.1:9005", "[::1]:1053", "[::1]:53", "10.0.0.1:443", "10.0.0.2:5353"), addrs(h));
    }

    @Test
    void resolvConf() throws Exception {
        Path f = dir.resolve("resolv.conf");
        Files.writeString(f, "# comment\nnameserver 10.0.0.10\nnameserver 10.0.0.11\nsearch example.org\n");
        GrpcHandler h = parse("grpc . " + f + " {\n except example.org\n}");
        assertEquals(List.of("10.0.0.10:53", "10.0.0.11:53"), addrs(h));
        assertEquals(List.of("example.org."), h.ignored);
    }

    @Test
    void options() throws Exception {
        GrpcHandler h = parse("grpc . 127.0.0.1 {\n except a.example b.example\n policy round_robin\n"
                + " tls_servername dns.example\n fallthrough in-addr.arpa\n}");
        assertEquals(List.of("a.example.", "b.example."), h.ignored);
        assertInstanceOf(GrpcPolicy.RoundRobin.class, h.policy);
        assertEquals(List.of("in-addr.arpa."), h.fall.zones());
        assertInstanceOf(GrpcPolicy.Sequential.class, parse("grpc . 127.0.0.1 {\n policy sequential\n}").policy);
        assertEquals(List.of("."), parse("grpc . 127.0.0.1 {\n fallthrough\n}").fall.zones());
    }

    @Test
    void errors() {
        String p = "Corefile:1 - Error during parsing: ";
        assertEquals(p + "Wrong argument count or unexpected line ending after 'grpc'", error("grpc"));
        assertEquals(p + "Wrong argument count or unexpected line ending after '.'", error("grpc ."));
        assertEquals(p + "not an IP address or file \"nosuchhost.example\"", error("grpc . nosuchhost.example"));
        assertEquals(p + "invalid port '99999' in \"127.0.0.1:99999\"", error("grpc . 127.0.0.1:99999"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'max_fails'",
                error("grpc . 127.0.0.1 {\n max_fails 3\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown policy 'least_conn'",
                error("grpc . 127.0.0.1 {\n policy least_conn\n}"));
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'policy'",
                error("grpc . 127.0.0.1 {\n policy\n}"));
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'except'",
                error("grpc . 127.0.0.1 {\n except\n}"));
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after "
                + "'tls_servername'", error("grpc . 127.0.0.1 {\n tls_servername\n}"));
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'd'",
                error("grpc . 127.0.0.1 {\n tls a b c d\n}"));
        assertEquals("Corefile:2 - Error during parsing: this plugin can only be used once per Server Block",
                error("grpc . 127.0.0.1\ngrpc . 127.0.0.2"));
        String sixteen = IntStream.rangeClosed(1, 16).mapToObj(i -> "10.0.0." + i).collect(Collectors.joining(" "));
        assertEquals(p + "more than 15 TOs configured: 16", error("grpc . " + sixteen));
        assertEquals(p + "'tls' is not supported as an upstream protocol in grpc: tls://127.0.0.1",
                error("grpc . tls://127.0.0.1"));
    }

    @Test
    void fifteenUpstreamsAreFine() throws Exception {
        String fifteen = IntStream.rangeClosed(1, 15).mapToObj(i -> "10.0.0." + i).collect(Collectors.joining(" "));
        assertEquals(15, parse("grpc . " + fifteen).upstreams.size());
    }

    @Test
    void tlsFileErrorsNameTheFile() {
        String e = error("grpc . 127.0.0.1 {\n tls " + dir.resolve("missing.pem") + "\n}");
        assertEquals(true, e.contains("missing.pem"), e);
    }
}
