package kdns.plugin.standard.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.host.setup.BlockConfig;
import kdns.plugin.standard.grpc_server.GrpcServerPlugin;
import kdns.plugin.standard.https.HttpsPlugin;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

/** The quic, https and grpc_server plugins read their options as CoreDNS's setup functions (and its setup tests). */
class ServerLimitsPluginsTest {

    private static BlockConfig.ListenerOptions setUp(Plugin p, String text) throws PluginException {
        TestController c = TestController.of(text);
        p.setup(c);
        return c.listenerOptions();
    }

    private static String error(Plugin p, String text) {
        return assertThrows(PluginException.class, () -> setUp(p, text)).getMessage();
    }

    @Test
    void quicSetsStreamsAndWorkers() throws Exception {
        BlockConfig.ListenerOptions none = setUp(new QuicPlugin(), "quic");
        assertNull(none.quicMaxStreams());
        assertNull(none.quicWorkerPoolSize());
        assertNull(setUp(new QuicPlugin(), "quic {\n}").quicMaxStreams());
        BlockConfig.ListenerOptions set = setUp(new QuicPlugin(), "quic {\n max_streams 16\n worker_pool_size 65536\n}");
        assertEquals(16, set.quicMaxStreams());
        assertEquals(65536, set.quicWorkerPoolSize());
        assertTrue(error(new QuicPlugin(), "quic {\n max_streams 0\n}").contains("max_streams must be a positive integer: 0"));
        assertTrue(error(new QuicPlugin(), "quic {\n worker_pool_size -1\n}")
                .contains("worker_pool_size must be a positive integer: -1"));
        assertTrue(error(new QuicPlugin(), "quic {\n max_streams abc\n}")
                .contains("invalid max_streams value 'abc': strconv.Atoi: parsing \"abc\": invalid syntax"));
        assertTrue(error(new QuicPlugin(), "quic {\n max_streams\n}").contains("Wrong argument count"));
        assertTrue(error(new QuicPlugin(), "quic {\n max_streams 1 2\n}").contains("Wrong argument count"));
        assertTrue(error(new QuicPlugin(), "quic {\n max_streams 1\n max_streams 2\n}")
                .contains("max_streams already defined for this server block"));
        assertTrue(error(new QuicPlugin(), "quic {\n timeout 1\n}").contains("unknown property 'timeout'"));
        assertTrue(error(new QuicPlugin(), "quic extra").contains("Wrong argument count"));
    }

    @Test
    void httpsSetsConnectionsZeroMeaningNoLimit() throws Exception {
        assertNull(setUp(new HttpsPlugin(), "https").httpsMaxConnections());
        assertEquals(200, setUp(new HttpsPlugin(), "https {\n max_connections 200\n}").httpsMaxConnections());
        assertEquals(0, setUp(new HttpsPlugin(), "https {\n max_connections 0\n}").httpsMaxConnections());
        assertTrue(error(new HttpsPlugin(), "https {\n max_connections -1\n}")
                .contains("max_connections must be a non-negative integer: -1"));
        assertTrue(error(new HttpsPlugin(), "https {\n max_connections abc\n}").contains("invalid max_connections value"));
        assertTrue(error(new HttpsPlugin(), "https {\n max_connections 100\n max_connections 200\n}")
                .contains("already defined"));
        assertTrue(error(new HttpsPlugin(), "https {\n max_streams 1\n}").contains("unknown property 'max_streams'"));
        assertTrue(error(new HttpsPlugin(), "https extra_arg").contains("Wrong argument count"));
    }

    @Test
    void grpcServerSetsStreamsAndConnections() throws Exception {
        BlockConfig.ListenerOptions set = setUp(new GrpcServerPlugin(),
                "grpc_server {\n max_streams 50\n max_connections 100\n}");
        assertEquals(50, set.grpcMaxStreams());
        assertEquals(100, set.grpcMaxConnections());
        BlockConfig.ListenerOptions unbounded = setUp(new GrpcServerPlugin(),
                "grpc_server {\n max_streams 0\n max_connections 0\n}");
        assertEquals(0, unbounded.grpcMaxStreams());
        assertEquals(0, unbounded.grpcMaxConnections());
        assertNull(setUp(new GrpcServerPlugin(), "grpc_server").grpcMaxStreams());
        assertTrue(error(new GrpcServerPlugin(), "grpc_server {\n max_streams -5\n}")
                .contains("max_streams must be a non-negative integer: -5"));
        assertTrue(error(new GrpcServerPlugin(), "grpc_server {\n max_connections 1\n max_connections 1\n}")
                .contains("max_connections already defined for this server block"));
    }

    /** A DoH GET over plain HTTP/1.1 on {@code s}; the status line of the answer. */
    private static String get(java.net.Socket s) throws java.io.IOException {
        byte[] q = kdns.testing.TestRequests.message("whoami.example.", org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN)
                .toWire();
        String dns = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(q);
        s.getOutputStream().write(("GET /dns-query?dns=" + dns + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void httpsMaxConnectionsHoldsTheConnectionOverTheLimitInTheAcceptQueue() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n https {\n  max_connections 1\n }\n whoami\n}\n";
        try (kdns.testing.InProcessServer s = kdns.testing.InProcessServer.start(corefile)) {
            java.net.InetSocketAddress at = new java.net.InetSocketAddress("127.0.0.1",
                    s.server().boundAddresses().values().iterator().next().getPort());
            try (java.net.Socket first = new java.net.Socket(); java.net.Socket second = new java.net.Socket()) {
                first.connect(at, 5000);
                first.setSoTimeout(10_000);
                assertTrue(get(first).startsWith("HTTP/1.1 200"));
                second.connect(at, 5000); // the kernel completes it; kdns does not accept it yet
                second.setSoTimeout(500);
                assertThrows(java.net.SocketTimeoutException.class, () -> get(second), "waits in the accept queue");
                first.close();
                second.setSoTimeout(10_000);
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(second.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertTrue(status != null && status.startsWith("HTTP/1.1 200"), "served once the first closed: " + status);
            }
        }
    }

    @Test
    void onlyTheFirstOccurrenceInABlockIsRead() throws Exception {
        assertEquals(16, setUp(new QuicPlugin(), "quic {\n max_streams 16\n}\nquic {\n max_streams 32\n}").quicMaxStreams(),
                "CoreDNS's setup reads the first and never the rest");
    }
}
