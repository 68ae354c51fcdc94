package kdns.plugin.forward.grpc;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.IpLiterals;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.forward.ForwardPlugin;
import kdns.plugin.forward.proxy.TlsSettings;

/**
 * The {@code grpc} directive: CoreDNS's grpc plugin, which proxies queries to upstreams that serve
 * {@code coredns.dns.DnsService/Query} (CoreDNS's or kdns's {@code grpc://} servers). Once per
 * block, at most 15 upstreams, no health checks: each query tries every upstream once in the
 * policy's order.
 */
public final class GrpcPlugin implements Plugin {

    /** CoreDNS's limit on upstreams. */
    static final int MAX_UPSTREAMS = 15;

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public String description() {
        return "facilitates proxying DNS messages to upstream resolvers via gRPC protocol";
    }

    /** What the stanza says, before any channel exists. */
    static final class Config {
        String from;
        final List<String> to = new ArrayList<>(); // host:port, as CoreDNS's parse.HostPortOrFile returns them
        final List<String> ignored = new ArrayList<>();
        TlsSettings tls;
        String tlsServerName = "";
        GrpcPolicy policy = new GrpcPolicy.Random();
        Fallthrough fall = Fallthrough.NONE;
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config cfg = c.onceAtLine(null, GrpcPlugin::parse);
        if (cfg == null) {
            return;
        }
        if (cfg.to.size() > MAX_UPSTREAMS) {
            throw c.err("more than " + MAX_UPSTREAMS + " TOs configured: " + cfg.to.size());
        }
        GrpcMetrics metrics = new GrpcMetrics(c.instance().metrics());
        SSLContext ssl = null;
        if (cfg.tls != null || !cfg.tlsServerName.isEmpty()) {
            // tls_servername alone turns TLS on with the system CAs, as in CoreDNS.
            ssl = (cfg.tls != null ? cfg.tls : TlsSettings.fromArgs(List.of())).sslContext();
        }
        List<GrpcUpstream> upstreams = new ArrayList<>();
        for (String to : cfg.to) {
            upstreams.add(new GrpcUpstream(to, socketAddress(to), ssl, cfg.tlsServerName, metrics));
        }
        GrpcHandler h = new GrpcHandler(cfg.from, cfg.ignored, upstreams, cfg.policy, cfg.fall);
        c.addHandler(h::next);
        c.onShutdown(h::shutdown);
    }

    static Config parse(Controller c) throws PluginException {
        Config cfg = new Config();
        if (!c.nextArg()) {
            throw c.argErr();
        }
        String from = c.val();
        List<String> zones;
        try {
            zones = ZoneNames.originsFromArgsOrServerBlock(List.of(from), List.of());
        } catch (IllegalArgumentException e) {
            throw c.err("unable to normalize '" + from + "'");
        }
        if (zones.isEmpty()) {
            throw c.err("unable to normalize '" + from + "'");
        }
        cfg.from = zones.get(0); // only the first is used
        List<String> to = c.remainingArgs();
        if (to.isEmpty()) {
            throw c.argErr();
        }
        for (String t : to) {
            hostPortOrFile(c, t, cfg.to);
        }
        while (c.nextBlock()) {
            option(c, cfg);
        }
        return cfg;
    }

    /**
     * CoreDNS's {@code parse.HostPortOrFile}: {@code IP}, {@code IP:port}, {@code [IPv6]:port}, with
     * an optional {@code dns://} or {@code grpc://}, or a resolv.conf-style file. A bare IP gets
     * port 53, a {@code grpc://} one port 443.
     */
    static void hostPortOrFile(Controller c, String raw, List<String> out) throws PluginException {
        String scheme = "dns";
        String host = raw;
        int sep = raw.indexOf("://");
        if (sep >= 0) {
            scheme = raw.substring(0, sep);
            host = raw.substring(sep + 3);
        }
        if (!scheme.equals("dns") && !scheme.equals("grpc")) {
            throw c.err("'" + scheme + "' is not supported as an upstream protocol in grpc: " + raw
                    + (scheme.equals("unix") ? " (Unix domain sockets are not supported by kdns)" : ""));
        }
        if (host.isEmpty()) {
            throw c.err("invalid address: \"" + raw + "\"");
        }
        String ip = host;
        String port = null;
        if (host.startsWith("[") && host.contains("]:")) {
            ip = host.substring(1, host.indexOf("]:"));
            port = host.substring(host.indexOf("]:") + 2);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            ip = host.substring(0, host.indexOf(':'));
            port = host.substring(host.indexOf(':') + 1);
        } else if (host.startsWith("[") && host.endsWith("]")) {
            ip = host.substring(1, host.length() - 1);
        }
        int pct = ip.lastIndexOf('%');
        String bare = pct >= 0 ? ip.substring(0, pct) : ip;
        if (!IpLiterals.isLiteral(bare)) {
            Path file = Path.of(host);
            if (Files.isRegularFile(file)) {
                for (String ns : ForwardPlugin.resolvConf(c, file)) {
                    out.add(ForwardPlugin.join(ns, 53));
                }
                return;
            }
            throw c.err("not an IP address or file \"" + host + "\"");
        }
        int p = scheme.equals("grpc") ? 443 : 53;
        if (port != null) {
            p = ForwardPlugin.port(c, port, raw);
        }
        out.add(ForwardPlugin.join(bare, p));
    }

    static InetSocketAddress socketAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String ip = hostPort.substring(0, colon);
        if (ip.startsWith("[")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(IpLiterals.parse(ip)),
                    Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // parse accepted it
        }
    }

    static void option(Controller c, Config cfg) throws PluginException {
        String opt = c.val();
        switch (opt) {
            case "except" -> ForwardPlugin.except(c, cfg.ignored);
            case "tls" -> {
                List<String> args = new ArrayList<>(c.remainingArgs());
                if (args.size() > 3) {
                    throw c.argErr();
                }
                String root = c.root();
                for (int i = 0; i < args.size(); i++) {
                    if (root != null && !root.isEmpty() && !Path.of(args.get(i)).isAbsolute()) {
                        args.set(i, Path.of(root).resolve(args.get(i)).toString());
                    }
                }
                try {
                    cfg.tls = TlsSettings.fromArgs(args);
                } catch (IllegalArgumentException e) {
                    throw c.err(e.getMessage());
                }
            }
            case "tls_servername" -> cfg.tlsServerName = c.singleArg();
            case "policy" -> {
                String p = c.singleArg();
                GrpcPolicy policy = GrpcPolicy.of(p);
                if (policy == null) {
                    throw c.err("unknown policy '" + p + "'");
                }
                cfg.policy = policy;
            }
            case "fallthrough" -> cfg.fall = Fallthrough.fromArgs(c.remainingArgs());
            default -> throw c.err("unknown property '" + opt + "'");
        }
    }
}
