/**
 * Test support for kdns plugins: a test controller over a directive's text, a recording writer,
 * request builders, an in-process server on 127.0.0.1, a DNS client and the JSON case checker.
 * Test scope only.
 */
module kdns.testing {
    requires transitive kdns.host;
    requires transitive kdns.api;
    requires com.fasterxml.jackson.databind;
    requires org.junit.jupiter.api;
    requires jdk.httpserver;
    // DoqClient: Netty's QUIC codec, as the host serves quic:// with it.
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.codec.classes.quic;

    exports kdns.testing;
    exports kdns.testing.cases;
    exports kdns.testing.docs;
    exports kdns.testing.etcd;
    exports kdns.testing.upstream;
    exports kdns.testing.kubernetes;
}
