package kdns.plugin.multicluster;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.zones.Fallthrough;
import kdns.plugin.kubernetes.spi.BlockOptions;

/**
 * {@code multicluster [ZONES...] { kubeconfig FILE [CONTEXT] | endpoint URL; noendpoints; fallthrough [ZONES...] }}:
 * serves the Multi-Cluster Services DNS names ({@code <svc>.<ns>.svc.clusterset.local}) from
 * ServiceImports and exported EndpointSlices, like CoreDNS's external multicluster plugin.
 */
public final class MulticlusterPlugin implements Plugin {

    public MulticlusterPlugin() {
    }

    @Override
    public String name() {
        return "multicluster";
    }

    @Override
    public String description() {
        return "serves Multi-Cluster Services DNS (clusterset.local) from ServiceImports and exported EndpointSlices";
    }

    /** One {@code multicluster} directive, parsed. */
    record Config(List<String> zones, String kubeconfig, String kubeContext, String endpoint, boolean noEndpoints,
                  Fallthrough fallthrough) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        MulticlusterBackend backend;
        try {
            backend = MulticlusterBackend.create(config.zones(), config.fallthrough(), config.noEndpoints(),
                    config.kubeconfig(), config.kubeContext(), config.endpoint(), c.instance().metrics(),
                    c.instance().serverVersion());
        } catch (Exception e) {
            throw c.err("multicluster: cannot configure the Kubernetes API connection: " + e.getMessage());
        }
        c.addHandler(next -> new MulticlusterHandler(backend, next));
        c.onStartup(backend::startAndWait);
        c.onShutdown(backend::stop);
    }

    /** Parses the directive (CoreDNS multicluster's setup.go, with its error messages); starts nothing. */
    static Config parse(Controller c) throws PluginException {
        return c.onceAtLine(null, MulticlusterPlugin::parseOne);
    }

    private static Config parseOne(Controller c) throws PluginException {
        List<String> zones = c.zonesFromArgs();
        String kubeconfig = null;
        String kubeContext = null;
        String endpoint = null;
        boolean noEndpoints = false;
        Fallthrough fall = Fallthrough.NONE;
        while (c.nextBlock()) {
            String prop = c.val();
            switch (prop) {
                case "kubeconfig" -> {
                    BlockOptions.Kubeconfig k = BlockOptions.kubeconfig(c);
                    kubeconfig = k.file();
                    kubeContext = k.context();
                }
                case "endpoint" -> {
                    List<String> args = c.remainingArgs();
                    if (args.size() != 1) {
                        throw c.argErr();
                    }
                    String url = args.get(0);
                    if (!url.startsWith("http://") && !url.startsWith("https://")) {
                        throw c.err("endpoint must be an http:// or https:// URL of the Kubernetes API: '" + url + "'");
                    }
                    endpoint = url;
                }
                case "noendpoints" -> noEndpoints = BlockOptions.flag(c);
                case "fallthrough" -> fall = BlockOptions.fallthrough(c);
                default -> throw c.err("unknown property '" + prop + "'");
            }
        }
        return new Config(zones, kubeconfig, kubeContext, endpoint, noEndpoints, fall);
    }
}
