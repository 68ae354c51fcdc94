package kdns.host.server;

import kdns.api.Handler;

/**
 * A server block's chain as one zone of a listener serves it.
 *
 * @param zone      the zone ({@code example.org.})
 * @param serverKey the normalised key ({@code dns://example.org.:53}), for logs and metrics
 * @param head      the outermost handler, or null when the block has no plugins (answers REFUSED)
 * @param anyClass  whether queries of classes other than IN reach the chain
 * @param flagsSet   reply header flags set on every reply ({@code 1 << flag}; the header plugin)
 * @param flagsClear reply header flags cleared on every reply
 * @param debug      plugin failures logged in full (the debug plugin)
 */
public record BlockChain(String zone, String serverKey, Handler head, boolean anyClass, int flagsSet,
                         int flagsClear, boolean debug) {

    public BlockChain(String zone, String serverKey, Handler head, boolean anyClass) {
        this(zone, serverKey, head, anyClass, 0, 0, false);
    }
}
