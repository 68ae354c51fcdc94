package kdns.api;

/**
 * Builds a plugin's handler given the next handler of the chain (CoreDNS's {@code plugin.Plugin}).
 * Factories are folded right to left once per server block, never per query.
 */
@FunctionalInterface
public interface HandlerFactory {

    /**
     * @param next the following handler, or {@code null} when this is the last plugin of the chain
     *             (pass it on with {@link Handlers#nextOrFailure})
     */
    Handler create(Handler next);
}
