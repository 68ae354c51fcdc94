package kdns.plugin.standard.prometheus;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;

/**
 * Finds the handlers of one server block in {@link kdns.api.Instance#handlers()}, which lists every
 * block's chain one after the other without saying where a block ends (an SPI gap). Each chain
 * follows plugin.cfg's order, which for CoreDNS's plugins is CoreDNS's order, so the block around
 * a known handler is the run of handlers whose order keeps rising through it: a handler that does
 * not come later in that order than the one before it starts another block. Names outside
 * CoreDNS's list (third-party plugins) cannot end a run. The first handler after ours must be our
 * {@code next}; without one the block ends with us.
 */
final class BlockHandlers {

    /** CoreDNS's plugin.cfg order (with kdns's multicluster), as build/add-plugin.py keeps it. */
    private static final List<String> ORDER = List.of(("root metadata geoip cancel tls timeouts multisocket reload "
            + "nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos "
            + "loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure "
            + "clouddns k8s_external kubernetes multicluster file auto secondary etcd loop forward grpc erratic whoami "
            + "on sign view nomad").split(" "));

    private BlockHandlers() {
    }

    /** The names of the handlers of {@code own}'s block, outermost first; empty when {@code own} is not listed. */
    static List<String> names(List<Handler> all, Handler own, Handler next) {
        int at = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) == own) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return List.of();
        }
        List<String> before = new ArrayList<>();
        int bound = rank(own.name());
        for (int i = at - 1; i >= 0; i--) {
            Handler h = all.get(i);
            if (h instanceof MetricsHandler) {
                break;
            }
            int r = rank(h.name());
            if (r >= 0) {
                if (bound >= 0 && r >= bound) {
                    break;
                }
                bound = r;
            }
            before.add(0, h.name());
        }
        List<String> out = new ArrayList<>(before);
        out.add(own.name());
        bound = rank(own.name());
        for (int i = at + 1; i < all.size(); i++) {
            Handler h = all.get(i);
            if (i == at + 1 && h != next) {
                break;
            }
            if (h instanceof MetricsHandler) {
                break;
            }
            int r = rank(h.name());
            if (r >= 0) {
                if (bound >= 0 && r <= bound) {
                    break;
                }
                bound = r;
            }
            out.add(h.name());
        }
        return out;
    }

    private static int rank(String name) {
        return ORDER.indexOf(name);
    }
}
