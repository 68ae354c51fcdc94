package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.List;
import kdns.plugin.forward.proxy.HealthCheckOptions;
import kdns.plugin.forward.proxy.TlsSettings;
import kdns.plugin.forward.proxy.UpstreamOptions;

/**
 * A {@link Stanza} while its Corefile text is read: the parser and a dialect's options
 * ({@code proxy}'s) set what the stanza writes, starting from CoreDNS's defaults; {@link #build()}
 * then fixes the result. Lives for one stanza's parse only.
 */
final class StanzaBuilder {

    String fromArg = ".";
    final List<String> toArgs = new ArrayList<>();
    String from = ".";
    final List<String> ignored = new ArrayList<>();
    final List<Stanza.Endpoint> to = new ArrayList<>();
    int maxFails = UpstreamOptions.DEFAULTS.maxFails();
    int maxConnectAttempts = -1;
    long hcIntervalNanos = HealthCheckOptions.DEFAULTS.intervalNanos();
    boolean hcRecursionDesired = HealthCheckOptions.DEFAULTS.recursionDesired();
    String hcDomain = HealthCheckOptions.DEFAULTS.domain();
    boolean forceTcp;
    boolean preferUdp;
    TlsSettings tls;
    String tlsServerName = "";
    String dohMethod = "POST";
    long expireNanos = UpstreamOptions.DEFAULTS.expireNanos();
    int maxIdleConns = UpstreamOptions.DEFAULTS.maxIdleConns();
    Policy policy = new Policy.Random();
    long maxConcurrent;
    final List<Integer> nextRcodes = new ArrayList<>();
    boolean nextOnNodata;
    boolean failfastUnhealthyUpstreams;
    final List<Integer> failoverRcodes = new ArrayList<>();

    Stanza build() {
        UpstreamOptions upstreamOptions = new UpstreamOptions(expireNanos, maxIdleConns, maxFails,
                new HealthCheckOptions(hcIntervalNanos, hcRecursionDesired, hcDomain, false));
        return new Stanza(fromArg, toArgs, from, ignored, to, upstreamOptions, maxConnectAttempts, forceTcp, preferUdp,
                tls, tlsServerName, dohMethod, policy, maxConcurrent, nextRcodes, nextOnNodata,
                failfastUnhealthyUpstreams, failoverRcodes);
    }
}
