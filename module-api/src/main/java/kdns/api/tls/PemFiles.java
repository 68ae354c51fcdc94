package kdns.api.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates and keys from PEM files, as CoreDNS's {@code tls} options name them (Go's
 * {@code tls.LoadX509KeyPair} and {@code AppendCertsFromPEM}): the key managers of a certificate
 * chain and its key, and the trust managers of a CA bundle or of the system's CAs. Errors are
 * {@link IllegalArgumentException}s whose message names the file.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** Key managers presenting the chain of {@code cert} with the key of {@code key}. */
    public static KeyManager[] keyManagers(Path cert, Path key) {
        Collection<? extends Certificate> chain = certificates(cert);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("could not load TLS cert: no certificate in " + cert);
        }
        PrivateKey pk = privateKey(key);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "kdns".toCharArray();
            ks.setKeyEntry("key", pk, pw, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("could not load TLS cert " + cert + " with key " + key + ": "
                    + e.getMessage(), e);
        }
    }

    /** Trust managers for the CAs of the PEM file {@code ca}, or the system's CAs when it is null. */
    public static TrustManager[] trustManagers(Path ca) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (ca == null) {
                tmf.init((KeyStore) null);
                return tmf.getTrustManagers();
            }
            Collection<? extends Certificate> roots = certificates(ca);
            if (roots.isEmpty()) {
                throw new IllegalArgumentException("could not read root certs from " + ca);
            }
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (Certificate c : roots) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            tmf.init(ts);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("could not use root certs " + ca + ": " + e.getMessage(), e);
        }
    }

    /**
     * The certificates of a PEM file, in order.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or parsed
     */
    public static Collection<? extends Certificate> certificates(Path file) {
        byte[] data = read(file);
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("could not read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    /**
     * A PEM private key: PKCS#8, PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}).
     *
     * @throws IllegalArgumentException naming the file when it holds no usable key
     */
    public static PrivateKey privateKey(Path file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> Der.rsaToPkcs8(der);
                case "EC PRIVATE KEY" -> Der.ecToPkcs8(der);
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        "could not load TLS key " + file + ": encrypted private keys are not supported");
                default -> throw new IllegalArgumentException(
                        "could not load TLS key " + file + ": unsupported key type '" + type + "'");
            };
            for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException ignored) {
                    // try the next algorithm
                }
            }
            throw new IllegalArgumentException("could not load TLS key " + file + ": not an RSA, EC or Ed25519 key");
        }
        throw new IllegalArgumentException("could not load TLS key " + file + ": no PEM private key in it");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("error reading " + file + ": " + e, e);
        }
    }

    /** Just enough DER to wrap traditional private keys in PKCS#8. */
    private static final class Der {

        private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01};
        private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
        private static final byte[] NULL = {0x05, 0x00};
        private static final byte[] VERSION0 = {0x02, 0x01, 0x00};

        private Der() {
        }

        static byte[] rsaToPkcs8(byte[] pkcs1) {
            return seq(VERSION0, seq(RSA_OID, NULL), tlv(0x04, pkcs1));
        }

        /** SEC1 {@code ECPrivateKey} carries its curve in {@code [0] parameters}. */
        static byte[] ecToPkcs8(byte[] sec1) {
            int[] outer = header(sec1, 0);
            int pos = outer[0];
            int end = outer[0] + outer[1];
            byte[] curve = null;
            while (pos < end) {
                int tag = sec1[pos] & 0xff;
                int[] h = header(sec1, pos);
                if (tag == 0xa0) {
                    curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                }
                pos = h[0] + h[1];
            }
            if (curve == null) {
                throw new IllegalArgumentException("EC private key without curve parameters");
            }
            return seq(VERSION0, seq(EC_OID, curve), tlv(0x04, sec1));
        }

        /** {content start, content length} of the element at {@code pos}. */
        private static int[] header(byte[] d, int pos) {
            int len = d[pos + 1] & 0xff;
            int start = pos + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (d[start + i] & 0xff);
                }
                start += n;
            }
            if (start + len > d.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            return new int[] {start, len};
        }

        private static byte[] seq(byte[]... parts) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                b.writeBytes(p);
            }
            return tlv(0x30, b.toByteArray());
        }

        private static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(tag);
            int n = content.length;
            if (n < 0x80) {
                b.write(n);
            } else if (n < 0x100) {
                b.write(0x81);
                b.write(n);
            } else if (n < 0x10000) {
                b.write(0x82);
                b.write(n >>> 8);
                b.write(n);
            } else {
                b.write(0x83);
                b.write(n >>> 16);
                b.write(n >>> 8);
                b.write(n);
            }
            b.writeBytes(content);
            return b.toByteArray();
        }
    }
}
