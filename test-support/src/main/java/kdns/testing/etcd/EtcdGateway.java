package kdns.testing.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * etcd's JSON gateway ({@code POST /v3/...}) for tests, so they need no etcd client library. A
 * request goes to the first member of {@link #endpoints} that answers (a cluster hands out only the
 * members that run); with {@link #authenticate root credentials} each request carries a token, and
 * with an {@link SSLContext} the gateway is reached over TLS with a client certificate.
 */
public final class EtcdGateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<String>> endpoints;
    private final SSLContext tls;
    private final Duration readTimeout;
    private volatile String user = "";
    private volatile String password = "";
    private volatile String token;

    EtcdGateway(Supplier<List<String>> endpoints, SSLContext tls, Duration readTimeout) {
        this.endpoints = endpoints;
        this.tls = tls;
        this.readTimeout = readTimeout;
    }

    /** From now on every request carries a token of this user (etcd with auth enabled). */
    void authenticate(String user, String password) {
        this.user = user;
        this.password = password;
        this.token = null;
    }

    /**
     * Adds a root user, a role reading {@code auth}'s prefix and a user with that role, turns auth
     * on, and from then on logs in as root.
     */
    void enableAuth(EtcdServer.Auth auth) throws IOException {
        post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + auth.rootPassword() + "\"}");
        post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
        String role = auth.user() + "-read";
        post("/v3/auth/role/add", "{\"name\":\"" + role + "\"}");
        post("/v3/auth/role/grant", "{\"name\":\"" + role + "\",\"perm\":{\"permType\":\"READ\",\"key\":\""
                + b64(auth.readPrefix()) + "\",\"range_end\":\"" + rangeEnd(auth.readPrefix()) + "\"}}");
        post("/v3/auth/user/add", "{\"name\":\"" + auth.user() + "\",\"password\":\"" + auth.password() + "\"}");
        post("/v3/auth/user/grant", "{\"user\":\"" + auth.user() + "\",\"role\":\"" + role + "\"}");
        post("/v3/auth/enable", "{}");
        authenticate("root", auth.rootPassword());
    }

    /** Puts {@code key = value}. */
    public void put(String key, String value) throws IOException {
        put(key, value, 0);
    }

    /** Puts {@code key = value} attached to {@code lease} (0 for none). */
    public void put(String key, String value, long lease) throws IOException {
        post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\""
                + (lease != 0 ? ",\"lease\":\"" + lease + "\"" : "") + "}");
    }

    /** Deletes one key. */
    public void delete(String key) throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}");
    }

    /** Deletes every key that starts with {@code prefix}. */
    public void deletePrefix(String prefix) throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\"" + rangeEnd(prefix) + "\"}");
    }

    /** Deletes every key. */
    public void deleteAll() throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"AA==\",\"range_end\":\"AA==\"}");
    }

    /** Every key under {@code prefix} with its value, read linearizably (what a quorum agrees on). */
    public SortedMap<String, String> range(String prefix) throws IOException {
        JsonNode reply = JSON.readTree(post("/v3/kv/range", "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\""
                + rangeEnd(prefix) + "\"}"));
        SortedMap<String, String> out = new TreeMap<>();
        for (JsonNode kv : reply.path("kvs")) {
            out.put(unb64(kv.path("key").asText()), unb64(kv.path("value").asText("")));
        }
        return out;
    }

    /** The cluster's current revision. */
    public long revision() throws IOException {
        JsonNode reply = JSON.readTree(post("/v3/kv/range", "{\"key\":\"AA==\",\"count_only\":true}"));
        String rev = reply.path("header").path("revision").asText("");
        if (rev.isEmpty()) {
            throw new IOException("etcd range: no revision in " + reply);
        }
        return Long.parseLong(rev);
    }

    /** Compacts the history up to the current revision and returns it (watchers from before must read again). */
    public long compact() throws IOException {
        long rev = revision();
        post("/v3/kv/compaction", "{\"revision\":\"" + rev + "\",\"physical\":true}");
        return rev;
    }

    /** Grants a lease with this TTL in seconds and returns its ID. */
    public long grantLease(long ttlSeconds) throws IOException {
        JsonNode reply = JSON.readTree(post("/v3/lease/grant", "{\"TTL\":\"" + ttlSeconds + "\"}"));
        String id = reply.path("ID").asText("");
        if (id.isEmpty()) {
            throw new IOException("etcd lease grant: no ID in " + reply);
        }
        return Long.parseLong(id);
    }

    /** POSTs to the first member that answers and returns the reply body. */
    public String post(String path, String json) throws IOException {
        List<String> all = endpoints.get();
        if (all.isEmpty()) {
            throw new IOException("etcd " + path + ": no member is running");
        }
        IOException last = null;
        for (String endpoint : all) {
            try {
                return postTo(endpoint, path, json);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** POSTs to one member; with credentials, authenticates first and once more when the token expired. */
    public String postTo(String endpoint, String path, String json) throws IOException {
        if (user.isEmpty()) {
            return send(endpoint, path, json, null);
        }
        String t = token;
        if (t == null) {
            t = login(endpoint);
        }
        try {
            return send(endpoint, path, json, t);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("token")) {
                throw e;
            }
            return send(endpoint, path, json, login(endpoint));
        }
    }

    private String login(String endpoint) throws IOException {
        JsonNode reply = JSON.readTree(send(endpoint, "/v3/auth/authenticate", "{\"name\":\"" + user
                + "\",\"password\":\"" + password + "\"}", null));
        String t = reply.path("token").asText("");
        if (t.isEmpty()) {
            throw new IOException("etcd authenticate: no token in " + reply);
        }
        token = t;
        return t;
    }

    private String send(String endpoint, String path, String json, String authToken) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + path).toURL().openConnection();
        if (c instanceof HttpsURLConnection https && tls != null) {
            https.setSSLSocketFactory(tls.getSocketFactory());
        }
        c.setConnectTimeout(2000);
        c.setReadTimeout((int) readTimeout.toMillis());
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        if (authToken != null) {
            c.setRequestProperty("Authorization", authToken);
        }
        try (OutputStream out = c.getOutputStream()) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (code != 200) {
            throw new IOException("etcd " + endpoint + path + ": HTTP " + code + " " + body);
        }
        return body;
    }

    /** GET {@code /health} on one member: true when it reports healthy (it has a leader). */
    boolean healthy(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/health").toURL().openConnection();
            if (c instanceof HttpsURLConnection https && tls != null) {
                https.setSSLSocketFactory(tls.getSocketFactory());
            }
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            if (c.getResponseCode() != 200) {
                return false;
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
            }
        } catch (IOException e) {
            return false;
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    /** The end of the key range of every key starting with {@code prefix}, base64 for the gateway. */
    static String rangeEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Base64.getEncoder().encodeToString(Arrays.copyOf(end, i + 1));
            }
        }
        return "AA==";
    }
}
