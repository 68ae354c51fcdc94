package kdns.plugin.standard.quic;

import java.util.Map;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.listeners.ServerLimits;

/**
 * {@code quic { max_streams N; worker_pool_size N }}: limits of the block's DNS-over-QUIC servers
 * (CoreDNS's quic plugin): concurrent streams per connection, and queries answered at once over all
 * connections. Both positive; unset, CoreDNS's defaults (256 and 1024).
 */
public final class QuicPlugin implements Plugin {

    @Override
    public String name() {
        return "quic";
    }

    @Override
    public String description() {
        return "sets the stream and worker limits of the block's DNS-over-QUIC servers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Map<String, Integer> set = ServerLimits.read(c, Set.of("max_streams", "worker_pool_size"), true);
        c.quicServer(set.get("max_streams"), set.get("worker_pool_size"));
    }
}
