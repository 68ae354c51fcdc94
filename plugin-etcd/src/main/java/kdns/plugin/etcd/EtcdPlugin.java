package kdns.plugin.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.plugin.etcd.lookup.Resolver;
import kdns.plugin.etcd.msg.Paths;
import kdns.plugin.etcd.store.ClientProperties;
import kdns.plugin.etcd.store.EtcdStore;

/**
 * {@code etcd [ZONES...] { fallthrough; path; endpoint; credentials; tls; min-lease-ttl; max-lease-ttl }}:
 * serves SkyDNS-style records kept in etcd v3, from an in-memory copy fed by a watch.
 */
public final class EtcdPlugin implements Plugin {

    static final String DEFAULT_ENDPOINT = "http://localhost:2379";

    public EtcdPlugin() {
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public String description() {
        return "serves SkyDNS records (as ExternalDNS writes them) from etcd v3, watched into memory";
    }

    /** The parsed directive. */
    record Config(List<String> zones, Fallthrough fall, String prefix, List<URI> endpoints, String username,
                  String password, SslContext ssl, List<String> tlsArgs, long minLeaseTtl, long maxLeaseTtl) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        // before parse: its tls builds Netty's SslContext, which initialises Netty
        ClientProperties.applyDefaults();
        Config cfg = parse(c);
        EtcdStore.Settings settings = new EtcdStore.Settings(cfg.endpoints(), cfg.username(), cfg.password(),
                cfg.ssl(), cfg.prefix());
        String key = "etcd-store " + cfg.endpoints() + " " + cfg.prefix() + " " + cfg.username() + " "
                + cfg.password().hashCode() + " " + cfg.tlsArgs();
        EtcdStore store = c.instance().shared(key, EtcdStore.class,
                () -> new EtcdStore(settings, c.instance().metrics()));
        c.addHandler(next -> new EtcdHandler(next, c.instance(), cfg.zones(), cfg.fall(), store,
                new Resolver(cfg.prefix(), cfg.minLeaseTtl(), cfg.maxLeaseTtl())));
        c.onAbandon(store::stop);
        c.onShutdown(store::stop);
        // Connecting and the first read (most of an etcd start-up: cold jetcd, gRPC and protobuf
        // code) begin here, once the directive parsed, and overlap the rest of the setup, the
        // chain's build and the binding of the listeners. An instance that then never serves (a
        // later setup fails, a bind or start-up failure, a -validate check, above all a failed
        // reload, where the old instance goes on) is abandoned, and its client closed.
        store.start();
    }

    static Config parse(Controller c) throws PluginException {
        Config cfg = null;
        while (c.next()) {
            if (cfg != null) {
                Log.forPlugin("etcd").warning(c.file() + ":" + c.line()
                        + " - etcd is given more than once in this server block; only the first is used (as CoreDNS does)");
                while (c.nextBlock()) {
                    // skip
                }
                continue;
            }
            List<String> zones = c.zonesFromArgs();
            Fallthrough fall = Fallthrough.NONE;
            String path = "skydns";
            List<String> endpoints = List.of(DEFAULT_ENDPOINT);
            String username = "";
            String password = "";
            List<String> tlsArgs = null;
            SslContext ssl = null;
            long minTtl = 30;
            long maxTtl = 86400;
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "stubzones", "debug" -> {
                        // accepted and ignored, as in CoreDNS
                    }
                    case "upstream" -> c.remainingArgs();
                    case "fallthrough" -> fall = Fallthrough.fromArgs(c.remainingArgs());
                    case "path" -> {
                        path = c.singleArg();
                        if (c.nextArg()) {
                            throw c.argErr();
                        }
                    }
                    case "endpoint" -> {
                        List<String> args = c.remainingArgs();
                        if (args.isEmpty()) {
                            throw c.argErr();
                        }
                        endpoints = args;
                    }
                    case "credentials" -> {
                        List<String> args = c.remainingArgs();
                        if (args.isEmpty()) {
                            throw c.argErr();
                        }
                        if (args.size() != 2) {
                            throw c.err("credentials requires 2 arguments, username and password");
                        }
                        username = args.get(0);
                        password = args.get(1);
                    }
                    case "tls" -> {
                        tlsArgs = c.remainingArgs();
                        ssl = tls(c, tlsArgs);
                    }
                    case "min-lease-ttl" -> {
                        String v = c.singleArg();
                        try {
                            minTtl = parseTtl(v);
                        } catch (IllegalArgumentException e) {
                            throw c.err("invalid min-lease-ttl value: " + e.getMessage());
                        }
                    }
                    case "max-lease-ttl" -> {
                        String v = c.singleArg();
                        try {
                            maxTtl = parseTtl(v);
                        } catch (IllegalArgumentException e) {
                            throw c.err("invalid max-lease-ttl value: " + e.getMessage());
                        }
                    }
                    default -> throw c.err("unknown property '" + c.val() + "'");
                }
            }
            List<URI> uris = new ArrayList<>();
            for (String e : endpoints) {
                uris.add(endpoint(c, e));
            }
            cfg = new Config(zones, fall, Paths.normalizePrefix(path), List.copyOf(uris), username, password, ssl,
                    tlsArgs == null ? List.of() : List.copyOf(tlsArgs), minTtl, maxTtl);
        }
        if (cfg == null) {
            throw c.argErr();
        }
        return cfg;
    }

    /** An endpoint URL: {@code http://host:port}, {@code https://host:port}, or {@code host:port}. */
    private static URI endpoint(Controller c, String e) throws PluginException {
        String s = e.contains("://") ? e : "http://" + e;
        URI u;
        try {
            u = URI.create(s);
        } catch (IllegalArgumentException ex) {
            throw c.err("invalid etcd endpoint '" + e + "': " + ex.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw c.err("invalid etcd endpoint '" + e + "': the scheme must be http:// or https://");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw c.err("invalid etcd endpoint '" + e + "': no host (write http://HOST:PORT)");
        }
        int port = u.getPort() == -1 ? 2379 : u.getPort();
        return URI.create(scheme + "://" + (u.getHost().contains(":") && !u.getHost().startsWith("[")
                ? "[" + u.getHost() + "]" : u.getHost()) + ":" + port);
    }

    /** {@code tls [CERT KEY] [CACERT]}: 0 to 3 arguments, files must exist. */
    private static SslContext tls(Controller c, List<String> args) throws PluginException {
        if (args.size() > 3) {
            throw c.err("maximum of three arguments allowed for TLS config, found " + args.size());
        }
        for (String a : args) {
            if (!new File(a).isFile()) {
                throw c.err("tls: cannot read '" + a + "': no such file");
            }
        }
        try {
            SslContextBuilder b = GrpcSslContexts.forClient().protocols("TLSv1.3", "TLSv1.2");
            switch (args.size()) {
                case 1 -> b.trustManager(new File(args.get(0)));
                case 2 -> b.keyManager(new File(args.get(0)), new File(args.get(1)));
                case 3 -> b.keyManager(new File(args.get(0)), new File(args.get(1))).trustManager(new File(args.get(2)));
                default -> {
                    // system trust store, no client certificate
                }
            }
            return b.build();
        } catch (Exception e) {
            throw c.err("tls: " + e.getMessage() + " (the key must be PEM PKCS#8 or PKCS#1, certificates PEM)");
        }
    }

    /**
     * CoreDNS's {@code parseTTL}: spaces trimmed; empty is 0; a plain number is seconds; else a Go
     * duration; negative or above 4294967295 seconds is an error.
     */
    static long parseTtl(String s) {
        String v = s.strip();
        if (v.isEmpty()) {
            return 0;
        }
        if (v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            try {
                long n = Long.parseLong(v);
                if (n > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException("TTL " + v + " is larger than 4294967295 seconds");
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("TTL " + v + " is larger than 4294967295 seconds");
            }
        }
        Duration d;
        try {
            d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid TTL format '" + v
                    + "': use seconds (30) or a duration (30s, 5m, 1h, 2h30m)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("TTL cannot be negative: " + v);
        }
        if (d.getSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("TTL " + v + " is larger than 4294967295 seconds");
        }
        return d.getSeconds();
    }
}
