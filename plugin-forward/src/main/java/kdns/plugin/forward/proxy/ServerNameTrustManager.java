package kdns.plugin.forward.proxy;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that, after the usual checks, also requires the server certificate to be valid
 * for the host name the client sent as SNI. The JDK's own check tries the SNI name and then falls
 * back to the peer host (for the HTTP client, the IP address of the URL), so a certificate for the
 * IP alone would pass where {@code tls_servername} asks for a name.
 */
final class ServerNameTrustManager extends X509ExtendedTrustManager {

    private static final int DNS_NAME = 2;

    private final X509ExtendedTrustManager delegate;

    private ServerNameTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** The same trust managers with each extended X.509 one wrapped. */
    static TrustManager[] wrap(TrustManager[] trust) {
        TrustManager[] out = trust.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof X509ExtendedTrustManager x) {
                out[i] = new ServerNameTrustManager(x);
            }
        }
        return out;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        requireName(chain, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        requireName(chain, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private static void requireName(X509Certificate[] chain, SSLSession session) throws CertificateException {
        String name = sniHostName(session);
        if (name == null || chain == null || chain.length == 0) {
            return;
        }
        if (!matches(chain[0], name)) {
            throw new CertificateException("the server certificate is not valid for " + name);
        }
    }

    private static String sniHostName(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession s)) {
            return null;
        }
        for (SNIServerName n : s.getRequestedServerNames()) {
            if (n.getType() == StandardConstants.SNI_HOST_NAME) {
                return n instanceof SNIHostName h ? h.getAsciiName()
                        : new SNIHostName(n.getEncoded()).getAsciiName();
            }
        }
        return null;
    }

    /**
     * Whether {@code cert} names {@code host} in a DNS subject alternative name: exactly (any
     * case), or by a wildcard that stands for the whole leftmost label ({@code *.example.org}
     * matches {@code a.example.org}, not {@code example.org} nor {@code a.b.example.org}).
     */
    static boolean matches(X509Certificate cert, String host) throws CertificateParsingException {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            if (san.size() < 2 || !(san.get(0) instanceof Integer type) || type != DNS_NAME
                    || !(san.get(1) instanceof String value)) {
                continue;
            }
            String pattern = value.toLowerCase(Locale.ROOT);
            if (pattern.endsWith(".")) {
                pattern = pattern.substring(0, pattern.length() - 1);
            }
            if (pattern.equals(h)) {
                return true;
            }
            if (pattern.startsWith("*.") && pattern.length() > 2) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }
}
