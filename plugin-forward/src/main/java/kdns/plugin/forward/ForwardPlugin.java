package kdns.plugin.forward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.text.Durations;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ZoneNames;
import kdns.plugin.forward.proxy.ProxyMetrics;
import kdns.plugin.forward.proxy.TlsSettings;
import kdns.plugin.forward.proxy.Upstream;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code forward} directive: proxies queries to upstream resolvers over UDP, TCP,
 * DNS-over-TLS or DNS-over-HTTPS with connection reuse and in-band health checking. Several stanzas in one block are
 * chained in the order written, as CoreDNS does.
 */
public final class ForwardPlugin implements Plugin {

    /** CoreDNS's limit on upstreams per stanza. */
    static final int MAX_UPSTREAMS = 15;

    private static final Log LOG = Log.forPlugin("forward");

    @Override
    public String name() {
        return "forward";
    }

    @Override
    public String description() {
        return "facilitates proxying DNS messages to upstream resolvers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        install(c, parseStanzas(c, null));
    }

    /**
     * Options of another directive's dialect that share forward's stanza grammar (the deprecated
     * {@code proxy}): asked first for every block option; returns false to let forward parse it.
     */
    @FunctionalInterface
    interface Dialect {
        boolean option(Controller c, StanzaBuilder s) throws PluginException;
    }

    /** Every stanza of this block's occurrences of the directive; {@code dialect} may be null. */
    static List<Stanza> parseStanzas(Controller c, Dialect dialect) throws PluginException {
        List<Stanza> stanzas = new ArrayList<>();
        while (c.next()) {
            stanzas.add(parseStanza(c, dialect));
        }
        return stanzas;
    }

    /**
     * Builds one handler per stanza, chained in the order written, with forward's metrics (also
     * for {@code proxy}, whose series are forward's).
     */
    static void install(Controller c, List<Stanza> stanzas) {
        ForwardMetrics metrics = ForwardMetrics.of(c.instance().metrics());
        ProxyMetrics proxyMetrics = ProxyMetrics.of("forward", c.instance().metrics());
        List<ForwardHandler> handlers = new ArrayList<>();
        for (Stanza s : stanzas) {
            handlers.add(new ForwardHandler(s, upstreams(s, proxyMetrics), metrics));
        }
        for (int i = 0; i < handlers.size(); i++) {
            ForwardHandler f = handlers.get(i);
            if (i == handlers.size() - 1) {
                c.addHandler(next -> f.next(next));
            } else {
                ForwardHandler following = handlers.get(i + 1);
                c.addHandler(ignored -> f.next(following));
            }
            c.onStartup(f::start);
            c.onShutdown(f::stop);
        }
        // CoreDNS lets queries of any class through when forward is in the block (EnableChaos).
        c.allowAnyClass();
    }

    private static List<Upstream> upstreams(Stanza s, ProxyMetrics metrics) {
        List<Upstream> out = new ArrayList<>();
        TlsSettings base = s.tls();
        for (Stanza.Endpoint e : s.to()) {
            TlsSettings tls = null;
            if (e.secure()) {
                if (base == null) {
                    base = TlsSettings.fromArgs(List.of());
                }
                String name = !s.tlsServerName().isEmpty() ? s.tlsServerName() : e.serverName();
                tls = base.withServerName(name);
            }
            InetAddress ip;
            try {
                ip = InetAddress.getByAddress(IpLiterals.parse(e.ip()));
            } catch (UnknownHostException ex) {
                throw new IllegalStateException(ex); // parse() accepted it: cannot happen
            }
            InetSocketAddress address = new InetSocketAddress(ip, e.port());
            Upstream u = e.https() ? Upstream.https(e.label(), address, tls, s.dohMethod().equals("GET"), metrics)
                    : new Upstream(e.label(), address, tls, metrics);
            // force_tcp moves the health check of a plain DNS upstream to TCP; TLS and HTTPS keep theirs.
            u.configure(s.upstreamOptions().healthCheckOverTcp(s.forceTcp() && !e.secure()));
            out.add(u);
        }
        return out;
    }

    static Stanza parseStanza(Controller c, Dialect dialect) throws PluginException {
        StanzaBuilder s = new StanzaBuilder();
        if (!c.nextArg()) {
            throw c.argErr();
        }
        String from = c.val();
        s.fromArg = from;
        List<String> zones;
        try {
            zones = ZoneNames.originsFromArgsOrServerBlock(List.of(from), List.of());
        } catch (IllegalArgumentException e) {
            throw c.err("unable to normalize '" + from + "': " + e.getMessage());
        }
        if (zones.isEmpty()) {
            throw c.err("unable to normalize '" + from + "'");
        }
        s.from = zones.get(0);
        if (zones.size() > 1) {
            LOG.warning("Unsupported CIDR notation: '" + from + "' expands to multiple zones. Using only '"
                    + s.from + "'.");
        }
        List<String> to = c.remainingArgs();
        if (to.isEmpty()) {
            throw c.argErr();
        }
        s.toArgs.addAll(to);
        for (String t : to) {
            parseTo(c, t, s.to);
        }
        if (s.to.isEmpty()) {
            throw c.err("no nameservers found");
        }
        while (c.nextBlock()) {
            if (dialect == null || !dialect.option(c, s)) {
                parseOption(c, s);
            }
        }
        if (!s.tlsServerName.isEmpty()) {
            for (Stanza.Endpoint e : s.to) {
                if (e.secure() && e.serverName() != null) {
                    throw c.err("both forward ('" + s.tlsServerName + "') and proxy level ('" + e.serverName()
                            + "') TLS servernames are set for upstream proxy '" + e.label() + "'");
                }
            }
        }
        if (s.to.size() > MAX_UPSTREAMS) {
            throw c.err("more than " + MAX_UPSTREAMS + " TOs configured: " + s.to.size());
        }
        return s.build();
    }

    /**
     * One TO: {@code [dns://|tls://|https://]IP[%NAME][:port]} or a resolv.conf-style file (not for
     * {@code https://}, whose address takes no path: the path is always {@code /dns-query}).
     */
    static void parseTo(Controller c, String raw, List<Stanza.Endpoint> out) throws PluginException {
        String scheme = "dns";
        String rest = raw;
        int sep = raw.indexOf("://");
        if (sep > 0) {
            scheme = raw.substring(0, sep);
            rest = raw.substring(sep + 3);
        }
        if (scheme.equals("https") && rest.contains("/")) {
            throw c.err("paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): "
                    + raw);
        }
        String host = rest;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw c.err("not an IP address or file: \"" + rest + "\"");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw c.err("not an IP address or file: \"" + rest + "\"");
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            host = rest.substring(0, rest.indexOf(':'));
            port = rest.substring(rest.indexOf(':') + 1);
        }
        String serverName = null;
        int pct = host.lastIndexOf('%');
        String ip = host;
        if (pct >= 0) {
            ip = host.substring(0, pct);
            serverName = host.substring(pct + 1);
        }
        if (!IpLiterals.isLiteral(ip)) {
            if (port == null || sep > 0) {
                Path file = Path.of(rest);
                if (Files.isRegularFile(file)) {
                    if (scheme.equals("https")) {
                        throw c.err("https:// takes an IP address, not a file: " + raw);
                    }
                    if (!scheme.equals("dns") && !scheme.equals("tls")) {
                        throw c.err("'" + scheme + "' is not supported as a destination protocol in forward: " + raw);
                    }
                    for (String ns : resolvConf(c, file)) {
                        int nsPort = scheme.equals("tls") ? 853 : 53;
                        out.add(new Stanza.Endpoint(scheme, ns, nsPort, null, join(ns, nsPort)));
                    }
                    return;
                }
            }
            throw c.err("not an IP address or file: \"" + rest + "\"");
        }
        if (!scheme.equals("dns") && !scheme.equals("tls") && !scheme.equals("https")) {
            throw c.err("'" + scheme + "' is not supported as a destination protocol in forward: " + raw);
        }
        boolean secure = !scheme.equals("dns");
        int p = switch (scheme) {
            case "tls" -> 853;
            case "https" -> 443;
            default -> 53;
        };
        if (port != null) {
            p = port(c, port, raw);
        }
        if (serverName != null && serverName.isEmpty()) {
            serverName = null;
        }
        out.add(new Stanza.Endpoint(scheme, ip, p, secure ? serverName : null, join(ip, p)));
    }

    /** {@code IP:port}, brackets around an IPv6 address (Go's {@code net.JoinHostPort}). */
    public static String join(String ip, int port) {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }

    /** A TO's port, 1 to 65535, else CoreDNS's error naming the TO; the grpc plugin's TOs too. */
    public static int port(Controller c, String port, String raw) throws PluginException {
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw c.err("invalid port '" + port + "' in \"" + raw + "\"");
        }
        return p;
    }

    /** {@code except NAMES...}: the names added to {@code ignored}; the grpc plugin's option too. */
    public static void except(Controller c, Collection<String> ignored) throws PluginException {
        List<String> names = c.remainingArgs();
        if (names.isEmpty()) {
            throw c.argErr();
        }
        for (String n : names) {
            try {
                ignored.addAll(ZoneNames.originsFromArgsOrServerBlock(List.of(n), List.of()));
            } catch (IllegalArgumentException e) {
                throw c.err("except: " + e.getMessage());
            }
        }
    }

    /** The nameservers of a resolv.conf-style file (port 53); the grpc plugin reads them too. */
    public static List<String> resolvConf(Controller c, Path file) throws PluginException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw c.err("failed to open file \"" + file + "\": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f[0].equals("nameserver") && f.length > 1) {
                String ns = f[1];
                int pct = ns.indexOf('%');
                String bare = pct >= 0 ? ns.substring(0, pct) : ns;
                if (!IpLiterals.isLiteral(bare)) {
                    throw c.err("not an IP address: nameserver \"" + ns + "\" in " + file);
                }
                out.add(bare);
            }
        }
        if (out.isEmpty()) {
            throw c.err("no nameservers found in " + file);
        }
        return out;
    }

    static void parseOption(Controller c, StanzaBuilder s) throws PluginException {
        String opt = c.val();
        switch (opt) {
            case "except" -> except(c, s.ignored);
            case "max_fails" -> s.maxFails = uint32(c, opt, c.singleArg());
            case "max_connect_attempts" -> s.maxConnectAttempts = uint32(c, opt, c.singleArg());
            case "health_check" -> healthCheck(c, s, c.singleArg());
            case "force_tcp" -> {
                noArgs(c);
                s.forceTcp = true;
            }
            case "prefer_udp" -> {
                noArgs(c);
                s.preferUdp = true;
            }
            case "tls" -> {
                List<String> args = c.remainingArgs();
                if (args.size() > 3) {
                    throw c.argErr();
                }
                try {
                    s.tls = TlsSettings.fromArgs(args);
                } catch (IllegalArgumentException e) {
                    throw c.err(e.getMessage());
                }
            }
            case "tls_servername" -> s.tlsServerName = c.singleArg();
            case "doh_method" -> {
                String m = c.singleArg();
                if (!m.equals("GET") && !m.equals("POST")) {
                    throw c.err("doh_method must be either POST or GET");
                }
                s.dohMethod = m;
            }
            case "expire" -> {
                Duration d = duration(c, opt, c.singleArg());
                if (d.isNegative()) {
                    throw c.err("expire can't be negative: " + Durations.format(d));
                }
                s.expireNanos = d.toNanos();
            }
            case "max_idle_conns" -> s.maxIdleConns = nonNegative(c, opt, c.singleArg());
            case "policy" -> {
                String p = c.singleArg();
                Policy policy = Policy.of(p);
                if (policy == null) {
                    throw c.err("unknown policy '" + p + "'");
                }
                s.policy = policy;
            }
            case "max_concurrent" -> s.maxConcurrent = nonNegative(c, opt, c.singleArg());
            case "next" -> s.nextRcodes.addAll(rcodes(c, false));
            case "next_on_nodata" -> {
                noArgs(c);
                s.nextOnNodata = true;
            }
            case "failfast_all_unhealthy_upstreams" -> {
                noArgs(c);
                s.failfastUnhealthyUpstreams = true;
            }
            case "failover" -> s.failoverRcodes.addAll(rcodes(c, true));
            default -> throw c.err("unknown property '" + opt + "'");
        }
    }

    /** {@code health_check DURATION [no_rec] [domain FQDN]}, the interval already read. */
    static void healthCheck(Controller c, StanzaBuilder s, String interval) throws PluginException {
        Duration d = duration(c, "health_check", interval);
        if (d.isNegative()) {
            throw c.err("health_check can't be negative: " + Durations.format(d));
        }
        s.hcIntervalNanos = d.toNanos();
        s.hcDomain = ".";
        while (c.nextArg()) {
            switch (c.val()) {
                case "no_rec" -> s.hcRecursionDesired = false;
                case "domain" -> {
                    String d2 = c.singleArg();
                    try {
                        Name.fromString(d2, Name.root);
                    } catch (TextParseException e) {
                        throw c.err("health_check: invalid domain name " + d2);
                    }
                    s.hcDomain = ZoneNames.normalize(d2);
                }
                default -> throw c.err("health_check: unknown option " + c.val());
            }
        }
    }

    static void noArgs(Controller c) throws PluginException {
        if (c.nextArg()) {
            throw c.argErr();
        }
    }

    private static List<Integer> rcodes(Controller c, boolean failover) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            throw c.argErr();
        }
        List<Integer> out = new ArrayList<>();
        for (String a : args) {
            int rc = Rcodes.code(a);
            if (rc < 0) {
                throw c.err(a + " is not a valid rcode");
            }
            if (failover && rc == 0) {
                throw c.err("NoError cannot be used in failover");
            }
            out.add(rc);
        }
        return out;
    }

    static Duration duration(Controller c, String opt, String v) throws PluginException {
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw c.err(opt + ": " + e.getMessage());
        }
    }

    private static int uint32(Controller c, String opt, String v) throws PluginException {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw c.err(opt + ": '" + v + "' is not a non-negative integer");
        }
        if (n < 0 || n > 0xffffffffL) {
            throw c.err(opt + ": '" + v + "' is not a non-negative integer");
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static int nonNegative(Controller c, String opt, String v) throws PluginException {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw c.err(opt + ": '" + v + "' is not an integer");
        }
        if (n < 0) {
            throw c.err(opt + " can't be negative: " + n);
        }
        return n;
    }
}
