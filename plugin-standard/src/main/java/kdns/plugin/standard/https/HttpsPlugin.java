package kdns.plugin.standard.https;

import java.util.Map;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.listeners.ServerLimits;

/**
 * {@code https { max_connections N }}: how many connections the block's DNS-over-HTTPS servers
 * serve at once (CoreDNS's https plugin); 0 for no limit, unset 200.
 */
public final class HttpsPlugin implements Plugin {

    @Override
    public String name() {
        return "https";
    }

    @Override
    public String description() {
        return "sets the connection limit of the block's DNS-over-HTTPS servers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Map<String, Integer> set = ServerLimits.read(c, Set.of("max_connections"), false);
        c.httpsServer(set.get("max_connections"));
    }
}
