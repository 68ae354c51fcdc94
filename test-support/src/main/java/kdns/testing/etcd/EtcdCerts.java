package kdns.testing.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for an etcd that requires client certificates, made with {@code openssl} in a
 * directory: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate signed by
 * the CA, and a second client certificate signed by another CA (which etcd must refuse). PEM files
 * (keys PKCS#8, EC P-256), valid for two days.
 */
public record EtcdCerts(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                        Path foreignClientCert, Path foreignClientKey, Path clientP12) {

    private static final String P12_PASSWORD = "kdns-test";

    /** Generates everything in {@code dir} (which must exist). */
    public static EtcdCerts generate(Path dir) throws IOException {
        Path ca = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        Path foreignCa = dir.resolve("foreign-ca.crt");
        Path foreignCaKey = dir.resolve("foreign-ca.key");
        selfSigned(dir, ca, caKey, "kdns-test-ca");
        selfSigned(dir, foreignCa, foreignCaKey, "kdns-test-foreign-ca");
        Path server = dir.resolve("server.crt");
        Path serverKey = dir.resolve("server.key");
        // clientAuth too: etcd's JSON gateway dials etcd's own gRPC port with the server certificate
        signed(dir, server, serverKey, "etcd", ca, caKey,
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        Path client = dir.resolve("client.crt");
        Path clientKey = dir.resolve("client.key");
        signed(dir, client, clientKey, "kdns", ca, caKey, "extendedKeyUsage=clientAuth\n");
        Path foreign = dir.resolve("foreign-client.crt");
        Path foreignKey = dir.resolve("foreign-client.key");
        signed(dir, foreign, foreignKey, "kdns", foreignCa, foreignCaKey, "extendedKeyUsage=clientAuth\n");
        Path p12 = dir.resolve("client.p12");
        openssl(dir, "pkcs12", "-export", "-in", client.toString(), "-inkey", clientKey.toString(), "-out",
                p12.toString(), "-passout", "pass:" + P12_PASSWORD);
        return new EtcdCerts(ca, server, serverKey, client, clientKey, foreign, foreignKey, p12);
    }

    /** A TLS context that presents the good client certificate and trusts only the test CA (for the gateway). */
    public SSLContext clientContext() throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                keys.load(in, P12_PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, P12_PASSWORD.toCharArray());
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caCert)) {
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("test client TLS context: " + e.getMessage(), e);
        }
    }

    private static void selfSigned(Path dir, Path cert, Path key, String cn) throws IOException {
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void signed(Path dir, Path cert, Path key, String cn, Path ca, Path caKey, String extensions)
            throws IOException {
        Path csr = dir.resolve(cert.getFileName() + ".csr");
        Path ext = dir.resolve(cert.getFileName() + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                + extensions);
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl " + args[0] + " did not finish within 60s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: openssl " + args[0]);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
