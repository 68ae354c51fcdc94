package kdns.plugin.forward.proxy;

/**
 * The settings of a forward stanza that every one of its upstreams applies: the connection cache
 * ({@code expire}, {@code max_idle_conns}), when it counts as down ({@code max_fails}) and its
 * health check.
 *
 * @param expireNanos  how long an idle cached connection is kept
 * @param maxIdleConns cached connections kept per upstream, 0 for no limit
 * @param maxFails     consecutive failures after which the upstream is down, 0 for never
 * @param healthCheck  how it is probed after a failure
 */
public record UpstreamOptions(long expireNanos, int maxIdleConns, int maxFails, HealthCheckOptions healthCheck) {

    /** CoreDNS's defaults: 10 s expiry, no idle limit, down after 2 fails, the default health check. */
    public static final UpstreamOptions DEFAULTS = new UpstreamOptions(10_000_000_000L, 0, 2, HealthCheckOptions.DEFAULTS);

    /** These options with the health check's transport set. */
    public UpstreamOptions healthCheckOverTcp(boolean overTcp) {
        return new UpstreamOptions(expireNanos, maxIdleConns, maxFails, healthCheck.overTcp(overTcp));
    }
}
