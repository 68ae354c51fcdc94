package kdns.host.server;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The server side of a {@code tls://}, {@code https://}, {@code grpc://} or {@code quic://} listener as the block's {@code tls} plugin
 * set it: the context (certificate, and the CAs client certificates are checked against), whether a
 * client certificate is asked for or required, TLS 1.2 and 1.3 only. DNS over TLS negotiates ALPN
 * {@code dot} (RFC 7858) when the client offers it (a client offering other protocols only gets
 * none, not an alert); DNS over HTTPS negotiates {@code h2} or {@code http/1.1}.
 *
 * @param context                 the certificate and trust material
 * @param wantClientCertificate   ask for a client certificate
 * @param needClientCertificate   refuse a client without one
 */
public record ServerTls(SSLContext context, Managers managers, boolean wantClientCertificate,
                        boolean needClientCertificate) {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** Settings without the managers behind {@code context}: enough for every transport but QUIC. */
    public ServerTls(SSLContext context, boolean wantClientCertificate, boolean needClientCertificate) {
        this(context, null, wantClientCertificate, needClientCertificate);
    }

    /**
     * The key and trust managers {@code context} was made from, which DNS over QUIC hands to
     * BoringSSL (Netty's QUIC codec cannot use a JDK {@code SSLContext}).
     */
    public record Managers(KeyManager key, TrustManager trust) {
        /** The first of each (the {@code tls} plugin makes one of each), or null when either is missing. */
        public static Managers of(KeyManager[] keys, TrustManager[] trust) {
            if (keys == null || keys.length == 0 || trust == null || trust.length == 0) {
                return null;
            }
            return new Managers(keys[0], trust[0]);
        }
    }

    /** Wraps an accepted connection; the handshake happens on the first read or write. */
    SSLSocket wrap(Socket accepted) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory()
                .createSocket(accepted, null, accepted.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (needClientCertificate) {
            p.setNeedClientAuth(true);
        } else if (wantClientCertificate) {
            p.setWantClientAuth(true);
        }
        ssl.setSSLParameters(p);
        ssl.setHandshakeApplicationProtocolSelector((s, offered) -> offered.contains("dot") ? "dot" : "");
        return ssl;
    }

    /**
     * A server-side engine for one {@code https://} connection, offering {@code applicationProtocols}
     * by ALPN in that order of preference; a client offering none of them is refused with the
     * {@code no_application_protocol} alert (as Go's server does), one offering no ALPN gets none.
     */
    SSLEngine engine(String... applicationProtocols) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (needClientCertificate) {
            p.setNeedClientAuth(true);
        } else if (wantClientCertificate) {
            p.setWantClientAuth(true);
        }
        p.setApplicationProtocols(applicationProtocols);
        engine.setSSLParameters(p);
        return engine;
    }

    /** For tests: the protocols a listener accepts. */
    static List<String> protocols() {
        return List.of(PROTOCOLS);
    }
}
