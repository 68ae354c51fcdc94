package kdns.plugin.standard.grpc_server;

import java.util.Map;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.listeners.ServerLimits;

/**
 * {@code grpc_server { max_streams N; max_connections N }}: limits of the block's gRPC servers
 * (CoreDNS's grpc_server plugin): concurrent calls per connection and connections served at once;
 * 0 for no limit, unset 256 and 200.
 */
public final class GrpcServerPlugin implements Plugin {

    @Override
    public String name() {
        return "grpc_server";
    }

    @Override
    public String description() {
        return "sets the stream and connection limits of the block's gRPC servers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Map<String, Integer> set = ServerLimits.read(c, Set.of("max_streams", "max_connections"), false);
        c.grpcServer(set.get("max_streams"), set.get("max_connections"));
    }
}
