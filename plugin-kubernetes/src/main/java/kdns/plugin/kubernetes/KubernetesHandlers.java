package kdns.plugin.kubernetes;

import java.util.List;
import kdns.api.Handler;

/**
 * Finds the kubernetes plugin's handler among a server block's handlers, for the plugins of this
 * module that call into it (k8s_external, as CoreDNS's {@code dnsserver.GetConfig(c).Handler("kubernetes")}).
 */
public final class KubernetesHandlers {

    private KubernetesHandlers() {
    }

    /**
     * The kubernetes handler of a block ({@link kdns.api.Instance#blockHandlers}); null when the
     * block has no kubernetes plugin.
     */
    public static KubernetesHandler find(List<Handler> blockHandlers) {
        for (Handler h : blockHandlers) {
            if (h instanceof KubernetesHandler k) {
                return k;
            }
        }
        return null;
    }
}
