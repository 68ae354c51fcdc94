package kdns.plugin.standard.hosts;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.MetricsRegistry;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.standard.process.SharedTimer;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * {@code hosts [FILE [ZONES...]] { INLINE; ttl SECONDS; no_reverse; reload DURATION;
 * fallthrough [ZONES...]; fallthrough_unsupported }}: serves A, AAAA and PTR records from an
 * /etc/hosts style file and from lines inlined in the Corefile, as CoreDNS's {@code hosts} plugin.
 * The file is read at start-up and read again every {@code reload} interval when its
 * modification time or size changed.
 */
public final class HostsPlugin implements Plugin {

    static final String DEFAULT_PATH = "/etc/hosts";
    static final long DEFAULT_TTL = 3600;
    static final Duration DEFAULT_RELOAD = Duration.ofSeconds(5);

    static final String ENTRIES = "coredns_hosts_entries";
    static final String RELOAD_TIMESTAMP = "coredns_hosts_reload_timestamp_seconds";

    private final LogSink log;

    public HostsPlugin() {
        this(LogSink.of(Log.forPlugin("hosts")));
    }

    HostsPlugin(LogSink log) {
        this.log = log;
    }

    @Override
    public String name() {
        return "hosts";
    }

    @Override
    public String description() {
        return "serves A, AAAA and PTR records from an /etc/hosts style file and inline entries";
    }

    /** What one {@code hosts} directive configures. */
    record Config(String path, List<String> origins, List<String> inline, long ttl, boolean autoReverse,
                  Duration reload, Fallthrough fall, boolean fallthroughUnsupported) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config cfg = parse(c);
        MetricsRegistry m = c.instance().metrics();
        HostsFile hosts = new HostsFile(cfg.path(), cfg.origins(), cfg.autoReverse(), cfg.inline(),
                m.gauge(ENTRIES, "The combined number of entries in hosts and Corefile.", "hostsfile"),
                m.gauge(RELOAD_TIMESTAMP, "The timestamp of the last reload of hosts file."));
        c.onStartup(() -> hosts.start(cfg.reload(), SharedTimer.scheduler()));
        c.onShutdown(hosts::stop);
        c.addHandler(next -> new HostsHandler(next, hosts, cfg.origins(), cfg.fall(), cfg.fallthroughUnsupported(),
                cfg.ttl()));
    }

    /** CoreDNS's {@code hostsParse}, with its error messages. */
    Config parse(Controller c) throws PluginException {
        Config config = c.once(new Config(DEFAULT_PATH, List.of(), List.of(), DEFAULT_TTL, true, DEFAULT_RELOAD,
                Fallthrough.NONE, false), this::occurrence);
        if (config.fallthroughUnsupported() && config.fall().zones().isEmpty()) {
            throw c.err("fallthrough_unsupported requires fallthrough");
        }
        return config;
    }

    private Config occurrence(Controller c) throws PluginException {
        String path = DEFAULT_PATH;
        List<String> inline = new ArrayList<>();
        long ttl = DEFAULT_TTL;
        boolean autoReverse = true;
        Duration reload = DEFAULT_RELOAD;
        Fallthrough fall = Fallthrough.NONE;
        boolean fallthroughUnsupported = false;
        List<String> args = c.remainingArgs();
        if (!args.isEmpty()) {
            path = args.get(0);
            if (!c.root().isEmpty() && !Path.of(path).isAbsolute()) {
                path = Path.of(c.root()).resolve(path).toString(); // relative to the root plugin's directory
            }
            args = args.subList(1, args.size());
            checkFile(c, path);
        }
        List<String> origins = ZoneNames.originsFromArgsOrServerBlock(args, c.serverBlockZones());
        while (c.nextBlock()) {
            switch (c.val()) {
                case "fallthrough" -> fall = Fallthrough.fromArgs(c.remainingArgs());
                case "fallthrough_unsupported" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    fallthroughUnsupported = true;
                }
                case "no_reverse" -> autoReverse = false;
                case "ttl" -> {
                    List<String> rest = c.remainingArgs();
                    if (rest.isEmpty()) {
                        throw c.err("ttl needs a time in second");
                    }
                    long t;
                    try {
                        t = Long.parseLong(rest.get(0));
                    } catch (NumberFormatException e) {
                        throw c.err("ttl needs a number of second");
                    }
                    if (t <= 0 || t > 65535) {
                        throw c.err("ttl provided is invalid");
                    }
                    ttl = t;
                }
                case "reload" -> {
                    List<String> rest = c.remainingArgs();
                    if (rest.size() != 1) {
                        throw c.err("reload needs a duration (zero seconds to disable)");
                    }
                    Duration d;
                    try {
                        d = Durations.parse(rest.get(0));
                    } catch (IllegalArgumentException e) {
                        throw c.err("invalid duration for reload '" + rest.get(0) + "'");
                    }
                    if (d.isNegative()) {
                        throw c.err("invalid negative duration for reload '" + rest.get(0) + "'");
                    }
                    reload = d;
                }
                default -> {
                    // Before any fallthrough, an unknown line is an inline hosts entry.
                    if (!fall.zones().isEmpty()) {
                        throw c.err("unknown property '" + c.val() + "'");
                    }
                    StringBuilder line = new StringBuilder(c.val());
                    for (String a : c.remainingArgs()) {
                        line.append(' ').append(a);
                    }
                    inline.add(line.toString());
                }
            }
        }
        return new Config(path, origins, List.copyOf(inline), ttl, autoReverse, reload, fall, fallthroughUnsupported);
    }

    /** A missing file or a directory is only a warning; any other failure to stat it is an error. */
    private void checkFile(Controller c, String path) throws PluginException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(Path.of(path), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (underAFile(Path.of(path))) {
                // Java reports ENOTDIR as a missing file; Go's os.IsNotExist does not.
                throw c.err("unable to access hosts file '" + path + "': stat " + path + ": not a directory");
            }
            log.warning("File does not exist: " + path);
            return;
        } catch (IOException | RuntimeException e) {
            throw c.err("unable to access hosts file '" + path + "': stat " + path + ": " + reason(e));
        }
        if (attrs.isDirectory()) {
            log.warning("Hosts file \"" + path + "\" is a directory");
        }
    }

    /** True when the nearest existing ancestor of {@code p} is not a directory. */
    private static boolean underAFile(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        return parent != null && !Files.isDirectory(parent);
    }

    /** Go's text for a stat failure: {@code permission denied}, {@code not a directory}. */
    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            String r = f.getReason();
            return r.isEmpty() ? r : Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.toLowerCase(Locale.ROOT);
    }
}
