package kdns.host.setup;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.MetricsRegistry;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.host.corefile.CorefileException;
import kdns.host.corefile.ServerBlock;
import kdns.host.corefile.ServerKey;
import kdns.host.corefile.Token;
import kdns.host.plugins.PluginCatalog;
import kdns.host.plugins.PluginLoadException;

/**
 * Runs every plugin's setup and builds the chains (Caddy's executeDirectives and CoreDNS's
 * NewServer): directive-major in plugin.cfg order, so each block's handlers come out in chain order
 * whatever order the Corefile wrote them in.
 */
public final class InstanceBuilder {

    private InstanceBuilder() {
    }

    /**
     * @throws CorefileException {@code plugin/<name>: <message>} for a setup error
     */
    public static ServerInstance build(LoadedCorefile corefile, PluginCatalog catalog, MetricsRegistry metrics)
            throws CorefileException {
        List<ServerBlock> blocks = corefile.blocks();
        Set<String> used = new HashSet<>();
        blocks.forEach(b -> used.addAll(b.tokensByDirective().keySet()));
        try {
            // Only the plugin folders this Corefile uses are loaded (on a reload, those newly used).
            catalog.require(used);
        } catch (PluginLoadException e) {
            throw new CorefileException(e.getMessage(), e);
        }
        ServerInstance instance = new ServerInstance(corefile.path(), metrics, catalog.extensions());
        instance.loaded(corefile);
        for (int i = 0; i < blocks.size(); i++) {
            instance.addBlock(corefile.keys().get(i));
        }
        try {
            setUp(instance, blocks, catalog, corefile.fileName());
        } catch (CorefileException e) {
            // Plugins set up before the failure may have started background work at setup (the etcd
            // client); the instance never serves, so what they started is closed now.
            instance.hooks().abandon();
            throw e;
        }
        return instance;
    }

    /** Every plugin's setup, directive-major in plugin.cfg order, then the chains. */
    private static void setUp(ServerInstance instance, List<ServerBlock> blocks, PluginCatalog catalog, String fileName)
            throws CorefileException {
        List<BlockConfig> configs = instance.blocks();
        for (String name : catalog.order()) {
            Plugin plugin = catalog.plugin(name);
            for (int i = 0; i < blocks.size(); i++) {
                Map<String, List<Token>> byDirective = blocks.get(i).tokensByDirective();
                List<Token> tokens = byDirective.get(name);
                if (tokens == null) {
                    continue;
                }
                TokenController c = new TokenController(tokens, fileName, configs.get(i));
                try {
                    plugin.setup(c);
                } catch (PluginException e) {
                    throw new CorefileException("plugin/" + name + ": " + e.getMessage(), e);
                } catch (RuntimeException | LinkageError e) {
                    throw new CorefileException("plugin/" + name + ": setup failed: " + e, e);
                }
            }
        }
        try {
            instance.buildChains();
        } catch (RuntimeException | LinkageError e) {
            throw new CorefileException("building the plugin chain failed: " + e.getMessage(), e);
        }
    }

    /** A parsed Corefile ready for setup: its blocks and each block's normalised keys. */
    public record LoadedCorefile(String path, String fileName, List<ServerBlock> blocks, List<List<ServerKey>> keys) {
        public LoadedCorefile {
            blocks = List.copyOf(blocks);
            keys = List.copyOf(keys);
        }
    }
}
