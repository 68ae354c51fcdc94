package kdns.plugin.forward.proxy;

/**
 * How an upstream is probed after a failure ({@code health_check DURATION [no_rec] [domain FQDN]}
 * and {@code force_tcp}).
 *
 * @param intervalNanos    time between probes
 * @param recursionDesired the RD bit of the probe query (cleared by {@code no_rec})
 * @param domain           the probe asks {@code <domain> IN NS}, a normalized absolute name
 * @param tcp              probe over TCP (force_tcp on a plain DNS upstream)
 */
public record HealthCheckOptions(long intervalNanos, boolean recursionDesired, String domain, boolean tcp) {

    /** CoreDNS's defaults: every 0.5 s, RD set, {@code . IN NS}, over UDP. */
    public static final HealthCheckOptions DEFAULTS = new HealthCheckOptions(500_000_000L, true, ".", false);

    /** These options with the transport of the probe set. */
    public HealthCheckOptions overTcp(boolean overTcp) {
        return new HealthCheckOptions(intervalNanos, recursionDesired, domain, overTcp);
    }
}
