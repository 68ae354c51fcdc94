package kdns.plugin.standard;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import kdns.testing.LoopbackPorts;

/** Plain HTTP GETs on 127.0.0.1 and free ports, for the health and ready tests. */
public final class Http {

    private Http() {
    }

    /** A status and a body. */
    public record Response(int status, String body) {
    }

    public static Response get(int port, String path) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection(Proxy.NO_PROXY);
        conn.setConnectTimeout(2000);
        conn.setReadTimeout(5000);
        try {
            int status = conn.getResponseCode();
            InputStream in = conn.getErrorStream() != null ? conn.getErrorStream() : conn.getInputStream();
            try (in) {
                return new Response(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            conn.disconnect();
        }
    }

    /** True when nothing accepts connections on the port any more. */
    public static boolean refused(int port) {
        try {
            get(port, "/");
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A port that was free a moment ago on 127.0.0.1, outside the ephemeral range ({@link LoopbackPorts}). */
    public static int freePort() throws IOException {
        return LoopbackPorts.free();
    }
}
