package kdns.testing.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away self-signed certificate for TLS tests, made at test time with the JDK's
 * {@code keytool} (EC P-256, valid two days): a PKCS#12 keystore plus {@code NAME.crt} and
 * {@code NAME.key} (PKCS#8) PEM files in a directory of the test's choosing. Nothing is committed.
 */
public final class TestCertificate {

    private static final char[] PASSWORD = "kdns-test".toCharArray();

    private final Path certPem;
    private final Path keyPem;
    private final KeyStore keyStore;
    private final X509Certificate certificate;

    private TestCertificate(Path certPem, Path keyPem, KeyStore keyStore, X509Certificate certificate) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /**
     * Generates a certificate for {@code cn} with these subject alternative names, written as
     * keytool's {@code -ext san=} value, e.g. {@code ip:127.0.0.1,dns:dns.test}.
     */
    public static TestCertificate generate(Path dir, String name, String cn, String san) throws IOException {
        Path ks = dir.resolve(name + ".p12");
        Files.deleteIfExists(ks);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", name,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2",
                "-dname", "CN=" + cn, "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
        if (san != null && !san.isEmpty()) {
            cmd.add("-ext");
            cmd.add("san=" + san);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish in 60s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        try (InputStream in = Files.newInputStream(ks)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            X509Certificate cert = (X509Certificate) store.getCertificate(name);
            PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD);
            Path certPem = dir.resolve(name + ".crt");
            Path keyPem = dir.resolve(name + ".key");
            Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            return new TestCertificate(certPem, keyPem, store, cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the generated keystore: " + e, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The certificate as PEM (also usable as the CA file: it is self-signed). */
    public Path certPem() {
        return certPem;
    }

    /** The private key as PKCS#8 PEM. */
    public Path keyPem() {
        return keyPem;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A server context presenting this certificate; with {@code clients} non-null it trusts that
     * client certificate (pair with {@code ScriptedUpstream.startTls(ctx, true)} for mutual TLS).
     */
    public SSLContext serverContext(TestCertificate clients) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, PASSWORD);
            TrustManagerFactory tmf = null;
            if (clients != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("client", clients.certificate);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a server TLS context: " + e, e);
        }
    }
}
