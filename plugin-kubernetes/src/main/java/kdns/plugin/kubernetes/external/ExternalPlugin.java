package kdns.plugin.kubernetes.external;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.Fallthrough;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesHandler;
import kdns.plugin.kubernetes.KubernetesHandlers;
import kdns.plugin.kubernetes.spi.BlockOptions;

/**
 * {@code k8s_external [ZONES...] { apex APEX; ttl TTL; headless; fallthrough [ZONES...] }}:
 * serves the external IPs (and load-balancer addresses) of Kubernetes Services under zones of their
 * own, as {@code <svc>.<ns>.<zone>}, from the index of the kubernetes plugin of the same server
 * block (CoreDNS's k8s_external plugin).
 *
 * <p>The kubernetes handler is looked up when the instance starts (the chains are built then);
 * a block without a kubernetes plugin fails the start with an error naming the line of the
 * directive, where CoreDNS would silently pass every query on.
 */
public final class ExternalPlugin implements Plugin {

    public ExternalPlugin() {
    }

    @Override
    public String name() {
        return ExternalHandler.NAME;
    }

    @Override
    public String description() {
        return "serves Kubernetes services' external and load-balancer IPs under zones of their own";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        PluginException[] missing = new PluginException[1];
        ExternalConfig config = parse(c, missing);
        AtomicReference<KubernetesHandler> kubernetes = new AtomicReference<>();
        c.addHandler(next -> new ExternalHandler(config, next, kubernetes::get,
                new UpstreamLookup(ExternalHandler.NAME, c.instance())));
        int block = c.serverBlockIndex();
        c.onStartup(() -> {
            KubernetesHandler k = KubernetesHandlers.find(c.instance().blockHandlers(block));
            if (k == null) {
                throw missing[0];
            }
            kubernetes.set(k);
        });
    }

    /** Parses the directive (CoreDNS's setup.go, with its error messages) without starting anything. */
    public static ExternalConfig parse(Controller c) throws PluginException {
        return parse(c, new PluginException[1]);
    }

    /** @param missing receives the error for a block without kubernetes, at the directive's line */
    private static ExternalConfig parse(Controller c, PluginException[] missing) throws PluginException {
        return c.onceAtLine(null, occurrence -> {
            missing[0] = occurrence.err("k8s_external needs the kubernetes plugin in the same server block");
            return parseOne(occurrence);
        });
    }

    private static ExternalConfig parseOne(Controller c) throws PluginException {
        List<String> zones = c.zonesFromArgs();
        if (zones.isEmpty()) {
            throw c.err("k8s_external needs at least one zone");
        }
        String apex = ExternalConfig.DEFAULT_APEX;
        long ttl = ExternalConfig.DEFAULT_TTL;
        boolean headless = false;
        Fallthrough fall = Fallthrough.NONE;
        while (c.nextBlock()) {
            String prop = c.val();
            switch (prop) {
                case "ttl" -> ttl = KubernetesDirective.ttlOption(c);
                case "apex" -> {
                    List<String> args = c.remainingArgs();
                    if (args.isEmpty()) {
                        throw c.argErr();
                    }
                    apex = args.get(0);
                    if (apex.endsWith(".")) {
                        apex = apex.substring(0, apex.length() - 1);
                    }
                    if (apex.isEmpty()) {
                        throw c.err("apex must be a label, not the empty name");
                    }
                }
                case "headless" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    headless = true;
                }
                case "fallthrough" -> fall = BlockOptions.fallthrough(c);
                default -> throw c.err("unknown property '" + prop + "'");
            }
        }
        return new ExternalConfig(zones, apex, ttl, headless, fall);
    }
}
