package kdns.plugin.cache;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.zones.ZoneNames;

/**
 * {@code cache [TTL] [ZONES...] { success | denial | prefetch | serve_stale | servfail | disable | keepttl }}:
 * parses the directive exactly as CoreDNS's {@code plugin/cache/setup.go} does, with its error texts,
 * and adds a {@link CacheHandler} to the block's chain.
 */
public final class CachePlugin implements Plugin {

    static final String NAME = "cache";
    static final String SUCCESS = "success";
    static final String DENIAL = "denial";

    private final Ticker ticker;
    private final Clock wallClock;
    private final Executor refresher;

    /** The plugin as the host loads it: the system's clocks, refreshes on virtual threads. */
    public CachePlugin() {
        this(System::nanoTime, Clock.systemUTC(), CachePlugin::startVirtual);
    }

    /** For tests: an injectable monotonic clock, wall clock and executor for background refreshes. */
    CachePlugin(Ticker ticker, Clock wallClock, Executor refresher) {
        this.ticker = ticker;
        this.wallClock = wallClock;
        this.refresher = refresher;
    }

    private static void startVirtual(Runnable r) {
        Thread.ofVirtual().name("cache-refresh").start(r);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "caches replies of the plugins after it (success and denial caches, prefetch, serve_stale)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        CacheConfig config = parse(c);
        // bind runs before cache in plugin.cfg order: its addresses name the server in the labels
        CacheMetrics metrics = new CacheMetrics(c.instance().metrics(), String.join(",", config.zones), c.port(),
                c.listenHosts());
        c.addHandler(next -> new CacheHandler(next, config, metrics, ticker, wallClock, refresher));
    }

    /** Parses the directive's occurrence (only one is allowed per block). */
    static CacheConfig parse(Controller c) throws PluginException {
        return c.once(new CacheConfig(), CachePlugin::read);
    }

    private static CacheConfig read(Controller c) throws PluginException {
        CacheConfig ca = new CacheConfig();
        // cache [ttl] [zones..]: a first argument that is a number is the TTL, else a zone.
        List<String> args = new ArrayList<>(c.remainingArgs());
        if (!args.isEmpty()) {
            Long ttl = atoiOrNull(args.get(0));
            if (ttl != null) {
                if (ttl <= 0) {
                    throw c.err("cache TTL can not be zero or negative: " + ttl);
                }
                ca.successTtl = ttl;
                ca.denialTtl = ttl;
                args.remove(0);
            }
        }
        List<String> origins = ZoneNames.originsFromArgsOrServerBlock(args, c.serverBlockZones());

        while (c.nextBlock()) {
            switch (c.val()) {
                case SUCCESS -> {
                    List<String> a = c.remainingArgs();
                    if (a.isEmpty()) {
                        throw c.argErr();
                    }
                    ca.successCapacity = atoi(c, a.get(0));
                    if (a.size() > 1) {
                        ca.successTtl = positiveTtl(c, a.get(1));
                        if (a.size() > 2) {
                            ca.successMinTtl = minTtl(c, a.get(2));
                        }
                    }
                }
                case DENIAL -> {
                    List<String> a = c.remainingArgs();
                    if (a.isEmpty()) {
                        throw c.argErr();
                    }
                    ca.denialCapacity = atoi(c, a.get(0));
                    if (a.size() > 1) {
                        ca.denialTtl = positiveTtl(c, a.get(1));
                        if (a.size() > 2) {
                            ca.denialMinTtl = minTtl(c, a.get(2));
                        }
                    }
                }
                case "prefetch" -> parsePrefetch(c, ca);
                case "serve_stale" -> {
                    List<String> a = c.remainingArgs();
                    if (a.size() > 2) {
                        throw c.argErr();
                    }
                    ca.staleNanos = 3_600_000_000_000L;
                    if (!a.isEmpty()) {
                        long d = duration(c, a.get(0));
                        if (d < 0) {
                            throw c.err("invalid negative duration for serve_stale");
                        }
                        ca.staleNanos = d;
                    }
                    ca.verifyStale = false;
                    if (a.size() > 1) {
                        String mode = a.get(1).toLowerCase(Locale.ROOT);
                        if (!mode.equals("immediate") && !mode.equals("verify")) {
                            throw c.err("invalid value for serve_stale refresh mode: " + mode);
                        }
                        ca.verifyStale = mode.equals("verify");
                    }
                }
                case "servfail" -> {
                    List<String> a = c.remainingArgs();
                    if (a.size() != 1) {
                        throw c.argErr();
                    }
                    long d = duration(c, a.get(0));
                    if (d < 0) {
                        throw c.err("invalid negative ttl for servfail");
                    }
                    if (d > 300_000_000_000L) {
                        // RFC 2308 prohibits caching SERVFAIL longer than 5 minutes.
                        throw c.err("caching SERVFAIL responses over 5 minutes is not permitted");
                    }
                    ca.servfailNanos = d;
                }
                case "disable" -> {
                    // disable success|denial [ZONES...]
                    List<String> a = c.remainingArgs();
                    if (a.isEmpty()) {
                        throw c.argErr();
                    }
                    List<String> zones = new ArrayList<>();
                    if (a.size() > 1) {
                        for (String z : a.subList(1, a.size())) {
                            if (z.isEmpty()) {
                                throw c.err("invalid disabled zone: " + z);
                            }
                            zones.add(ZoneNames.normalize(z));
                        }
                    } else {
                        zones.add(".");
                    }
                    switch (a.get(0)) {
                        case DENIAL -> ca.denialExcept = List.copyOf(zones);
                        case SUCCESS -> ca.successExcept = List.copyOf(zones);
                        default -> throw c.err("cache type for disable must be \"" + SUCCESS + "\" or \""
                                + DENIAL + "\"");
                    }
                }
                case "keepttl" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    ca.keepTtl = true;
                }
                default -> throw c.argErr();
            }
        }
        ca.zones = origins;
        return ca;
    }

    private static void parsePrefetch(Controller c, CacheConfig ca) throws PluginException {
        List<String> a = c.remainingArgs();
        if (a.isEmpty() || a.size() > 3) {
            throw c.argErr();
        }
        long amount = atoi(c, a.get(0));
        if (amount < 0) {
            throw c.err("prefetch amount should be positive: " + amount);
        }
        ca.prefetchAmount = (int) Math.min(Integer.MAX_VALUE, amount);
        if (a.size() > 1) {
            ca.prefetchWindowNanos = duration(c, a.get(1));
        }
        if (a.size() > 2) {
            String pct = a.get(2);
            char last = pct.charAt(pct.length() - 1);
            if (last != '%') {
                throw c.err("last character of percentage should be `%`, but is: " + GoText.quoteChar(last));
            }
            long num = atoi(c, pct.substring(0, pct.length() - 1));
            if (num < 10 || num > 90) {
                throw c.err("percentage should fall in range [10, 90]: " + num);
            }
            ca.prefetchPercentage = (int) num;
        }
    }

    private static long positiveTtl(Controller c, String s) throws PluginException {
        long ttl = atoi(c, s);
        if (ttl <= 0) {
            throw c.err("cache TTL can not be zero or negative: " + ttl);
        }
        return ttl;
    }

    private static long minTtl(Controller c, String s) throws PluginException {
        long ttl = atoi(c, s);
        if (ttl < 0) {
            throw c.err("cache min TTL can not be negative: " + ttl);
        }
        return ttl;
    }

    private static Long atoiOrNull(String s) {
        try {
            return GoText.atoi(s);
        } catch (GoText.ParseError e) {
            return null;
        }
    }

    private static long atoi(Controller c, String s) throws PluginException {
        try {
            return GoText.atoi(s);
        } catch (GoText.ParseError e) {
            throw c.err(e.getMessage());
        }
    }

    private static long duration(Controller c, String s) throws PluginException {
        try {
            return GoText.parseDuration(s);
        } catch (GoText.ParseError e) {
            throw c.err(e.getMessage());
        }
    }
}
