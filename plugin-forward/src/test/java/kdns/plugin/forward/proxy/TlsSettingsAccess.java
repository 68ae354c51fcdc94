package kdns.plugin.forward.proxy;

import java.nio.file.Path;
import java.security.PrivateKey;

/** Test access to the PEM key reader. */
public final class TlsSettingsAccess {

    private TlsSettingsAccess() {
    }

    public static PrivateKey key(Path file) {
        return kdns.api.tls.PemFiles.privateKey(file);
    }
}
