package kdns.plugin.forward.proxy;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import kdns.api.text.IpLiterals;
import kdns.api.tls.PemFiles;

/**
 * The client side of DNS-over-TLS and DNS-over-HTTPS, as CoreDNS's {@code tls CERT KEY CA} builds
 * it: no argument trusts the system CAs, {@code CA} trusts that PEM file, {@code CERT KEY} adds a
 * client certificate, all three do both. TLS 1.2 and 1.3 only; the server certificate is checked
 * against the server name ({@code tls_servername} or {@code tls://IP%NAME}) or else the upstream's
 * IP.
 */
public final class TlsSettings {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String[] CIPHERS = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    };

    private final SSLContext context;
    private final SSLContext httpsContext;
    private final String serverName;

    private TlsSettings(SSLContext context, SSLContext httpsContext, String serverName) {
        this.context = context;
        this.httpsContext = httpsContext;
        this.serverName = serverName;
    }

    private TlsSettings(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        this(context(keys, trust), context(keys, ServerNameTrustManager.wrap(trust)), null);
    }

    /**
     * Builds the context from the {@code tls} arguments (0 to 3 paths).
     *
     * @throws IllegalArgumentException with a message naming the file that could not be used
     */
    public static TlsSettings fromArgs(List<String> args) {
        try {
            return switch (args.size()) {
                case 0 -> new TlsSettings(null, PemFiles.trustManagers(null));
                case 1 -> new TlsSettings(null, PemFiles.trustManagers(Path.of(args.get(0))));
                case 2 -> new TlsSettings(PemFiles.keyManagers(Path.of(args.get(0)), Path.of(args.get(1))),
                        PemFiles.trustManagers(null));
                case 3 -> new TlsSettings(PemFiles.keyManagers(Path.of(args.get(0)), Path.of(args.get(1))),
                        PemFiles.trustManagers(Path.of(args.get(2))));
                default -> throw new IllegalArgumentException(
                        "maximum of three arguments allowed for TLS config, found " + args.size());
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("could not build the TLS configuration: " + e.getMessage(), e);
        }
    }

    /** The same certificates, checked against another server name (null: the upstream's IP). */
    public TlsSettings withServerName(String name) {
        return new TlsSettings(context, httpsContext, name == null || name.isEmpty() ? null : name);
    }

    public String serverName() {
        return serverName;
    }

    SSLContext context() {
        return context;
    }

    /**
     * The context for clients that check the server name themselves (the grpc plugin's Netty
     * channels verify the certificate against the call's authority).
     */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * The context of DNS-over-HTTPS clients. The JDK's HTTP client connects to the upstream's IP
     * and sends the server name as SNI; its certificate check accepts a certificate that is valid
     * for either. This context's trust manager holds the certificate to the SNI name alone, as
     * DNS-over-TLS (and Go's client in CoreDNS) do.
     */
    SSLContext httpsContext() {
        return httpsContext;
    }

    SSLParameters parameters(SSLParameters p) {
        p.setProtocols(supported(PROTOCOLS, p.getProtocols()));
        p.setCipherSuites(supported(CIPHERS, context.getSupportedSSLParameters().getCipherSuites()));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (serverName != null && !IpLiterals.isLiteral(serverName)) {
            p.setServerNames(List.of(new SNIHostName(serverName)));
        }
        return p;
    }

    private static String[] supported(String[] wanted, String[] available) {
        List<String> out = new ArrayList<>();
        List<String> have = List.of(available);
        for (String w : wanted) {
            if (have.contains(w)) {
                out.add(w);
            }
        }
        return out.isEmpty() ? wanted : out.toArray(new String[0]);
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, trust, null);
        return ctx;
    }
}
