package kdns.plugin.standard.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.tls.PemFiles;

/**
 * {@code tls CERT KEY [CA] { client_auth MODE }}: the certificate of the block's {@code tls://}
 * servers (CoreDNS's tls plugin). Relative paths are taken from the block's {@code root}. The files
 * are read when the Corefile is loaded, so a certificate replaced on disk is served after a reload.
 */
public final class TlsPlugin implements Plugin {

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public String description() {
        return "sets the certificate and client authentication of the block's DNS-over-TLS and gRPC servers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        while (c.next()) {
            List<String> args = c.remainingArgs();
            if (args.isEmpty()) {
                throw c.err("automatic certificates (ACME, 'tls' without arguments) are not supported by kdns yet;"
                        + " give CERT KEY [CA]");
            }
            if (args.size() < 2 || args.size() > 3) {
                throw c.argErr();
            }
            ClientAuth auth = ClientAuth.NOCERT;
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "client_auth" -> {
                        List<String> a = c.remainingArgs();
                        if (a.size() != 1) {
                            throw c.argErr();
                        }
                        auth = ClientAuth.of(a.get(0));
                        if (auth == null) {
                            throw c.err("unknown authentication type '" + a.get(0) + "'");
                        }
                    }
                    case "keylog" -> throw c.err("keylog (writing TLS session keys) is not supported by kdns");
                    default -> throw c.err("unknown option '" + c.val() + "'");
                }
            }
            List<Path> files = new ArrayList<>();
            for (String a : args) {
                Path p = Path.of(a);
                files.add(p.isAbsolute() || c.root().isEmpty() ? p : Path.of(c.root()).resolve(p));
            }
            SSLContext context;
            KeyManager[] keys;
            TrustManager[] trust;
            try {
                keys = PemFiles.keyManagers(files.get(0), files.get(1));
                Path ca = files.size() == 3 ? files.get(2) : null;
                trust = auth.verifies() ? PemFiles.trustManagers(ca) : auth.asks()
                        ? new TrustManager[] {new AnyClientCertificate()} : PemFiles.trustManagers(ca);
                context = SSLContext.getInstance("TLS");
                context.init(keys, trust, null);
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw c.err(e.getMessage());
            }
            c.tls(context, keys, trust, auth.asks(), auth.requires());
        }
    }
}
