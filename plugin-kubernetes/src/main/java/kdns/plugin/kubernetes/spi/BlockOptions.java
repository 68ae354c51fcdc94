package kdns.plugin.kubernetes.spi;

import java.util.List;
import kdns.api.Controller;
import kdns.api.PluginException;
import kdns.api.zones.Fallthrough;

/**
 * Options that a directive built on the kubernetes plugin writes as the {@code kubernetes}
 * directive does (CoreDNS's setup.go, with its error messages), read at the option's name.
 */
public final class BlockOptions {

    /** {@code kubeconfig FILE [CONTEXT]}: the file and the context (null when not given). */
    public record Kubeconfig(String file, String context) {
    }

    private BlockOptions() {
    }

    /** {@code kubeconfig FILE [CONTEXT]}. */
    public static Kubeconfig kubeconfig(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() != 1 && args.size() != 2) {
            throw c.argErr();
        }
        return new Kubeconfig(args.get(0), args.size() == 2 ? args.get(1) : null);
    }

    /** An option without arguments ({@code noendpoints}, {@code endpoint_pod_names}): true, or an argument error. */
    public static boolean flag(Controller c) throws PluginException {
        if (!c.remainingArgs().isEmpty()) {
            throw c.argErr();
        }
        return true;
    }

    /** {@code fallthrough [ZONES...]}. */
    public static Fallthrough fallthrough(Controller c) throws PluginException {
        try {
            return Fallthrough.fromArgs(c.remainingArgs());
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
    }
}
