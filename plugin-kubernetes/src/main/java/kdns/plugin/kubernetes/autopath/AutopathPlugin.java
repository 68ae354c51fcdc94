package kdns.plugin.kubernetes.autopath;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.AutoPather;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.zones.ZoneNames;

/**
 * {@code autopath [ZONE...] RESOLV-CONF}: server-side search path completion. RESOLV-CONF is a
 * resolv.conf file whose search list every client is assumed to have, or {@code @PLUGIN}, a plugin
 * of the same server block that knows each client's search path ({@code @kubernetes} with
 * {@code pods verified}).
 */
public final class AutopathPlugin implements Plugin {

    private static final Log LOG = Log.forPlugin(AutopathHandler.NAME);

    public AutopathPlugin() {
    }

    @Override
    public String name() {
        return AutopathHandler.NAME;
    }

    @Override
    public String description() {
        return "completes the client's search path on the server, answering in one round trip";
    }

    /**
     * One {@code autopath} directive.
     *
     * @param zones      the zones autopath acts in
     * @param fileSearch the RESOLV-CONF file's search list with the {@code ""} sentinel, or empty
     * @param plugin     the name after {@code @}, or null
     */
    record Config(List<String> zones, List<String> fileSearch, String plugin) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        AtomicReference<AutoPather> source = new AtomicReference<>();
        AutopathMetrics metrics = new AutopathMetrics(c.instance().metrics(), c.listenHosts(), c.port());
        c.addHandler(next -> new AutopathHandler(next, config.zones(), config.fileSearch(), source::get, metrics));
        if (config.plugin() != null) {
            int block = c.serverBlockIndex();
            c.onStartup(() -> source.set(find(c, block, config.plugin())));
        }
    }

    /** The {@code @plugin}'s handler in the block; null (autopath does nothing) when the block has none. */
    private static AutoPather find(Controller c, int block, String plugin) throws PluginException {
        for (Handler h : c.instance().blockHandlers(block)) {
            if (!h.name().equals(plugin)) {
                continue;
            }
            if (h instanceof AutoPather p) {
                return p;
            }
            throw new PluginException("plugin/autopath: " + plugin + " does not implement the AutoPather interface");
        }
        LOG.warning("autopath @" + plugin + ": the server block has no plugin '" + plugin
                + "', so autopath passes every query on unchanged");
        return null;
    }

    static Config parse(Controller c) throws PluginException {
        c.next(); // the directive's own token: setup runs only for a block that has it
        Config config = parseOne(c);
        while (c.next()) { // as CoreDNS, a later autopath line replaces an earlier one
            config = parseOne(c);
        }
        return config;
    }

    private static Config parseOne(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            throw c.err("plugin/autopath: no resolv-conf specified");
        }
        if (c.nextBlock()) {
            throw c.err("plugin/autopath: takes no block: autopath [ZONE...] RESOLV-CONF");
        }
        String resolv = args.get(args.size() - 1);
        List<String> zones;
        try {
            zones = ZoneNames.originsFromArgsOrServerBlock(args.subList(0, args.size() - 1), c.serverBlockZones());
        } catch (IllegalArgumentException e) {
            throw c.err("plugin/autopath: " + e.getMessage());
        }
        if (resolv.startsWith("@")) {
            if (resolv.length() == 1) {
                throw c.err("plugin/autopath: '@' must name a plugin, e.g. @kubernetes");
            }
            return new Config(zones, List.of(), resolv.substring(1));
        }
        List<String> search = new ArrayList<>();
        try {
            search.addAll(ResolvConfSearch.read(Path.of(resolv)));
        } catch (IOException e) {
            throw c.err("plugin/autopath: failed to parse \"" + resolv + "\": " + e);
        }
        search.add("");
        return new Config(zones, List.copyOf(search), null);
    }
}
