package kdns.host.server;

import java.util.BitSet;
import java.util.function.Predicate;
import kdns.api.Handler;
import kdns.api.Request;

/**
 * A server block's chain as one zone of a listener serves it.
 *
 * @param zone       the zone ({@code example.org.})
 * @param serverKey  the normalised key ({@code dns://example.org.:53}), for logs and metrics
 * @param head       the outermost handler, or null when the block has no plugins (answers REFUSED)
 * @param anyClass   whether queries of classes other than IN reach the chain
 * @param flagsSet   reply header flags set on every reply ({@code 1 << flag}; the header plugin)
 * @param flagsClear reply header flags cleared on every reply
 * @param debug      plugin failures logged in full (the debug plugin)
 * @param view       the block's view name, or empty
 * @param filter     the view's filter, or null when every query of the zone may enter
 * @param metadata   what the metadata plugin collects before the filter runs, or null
 * @param echoOptions EDNS0 option codes of queries echoed in replies besides the standard ones, or null
 */
public record BlockChain(String zone, String serverKey, Handler head, boolean anyClass, int flagsSet,
                         int flagsClear, boolean debug, String view, Predicate<Request> filter,
                         MetadataCollector metadata, BitSet echoOptions) {

    public BlockChain(String zone, String serverKey, Handler head, boolean anyClass) {
        this(zone, serverKey, head, anyClass, 0, 0, false, "", null, null, null);
    }

    /**
     * Whether this block takes {@code request}: collects the block's metadata first (so the view
     * can read it, as CoreDNS does), then runs the view's filter. A filter that fails counts as
     * false: a broken expression must not take the server down, only keep queries out of the view.
     */
    boolean admits(Request request) {
        if (metadata != null) {
            metadata.collect(request);
        }
        if (filter == null) {
            return true;
        }
        try {
            return filter.test(request);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
