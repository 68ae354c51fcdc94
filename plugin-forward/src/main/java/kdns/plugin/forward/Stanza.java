package kdns.plugin.forward;

import java.util.List;
import kdns.plugin.forward.proxy.TlsSettings;
import kdns.plugin.forward.proxy.UpstreamOptions;

/**
 * One parsed {@code forward FROM TO... { ... }} stanza, CoreDNS's defaults filled in
 * ({@link StanzaBuilder} reads it from the Corefile).
 *
 * @param fromArg                    FROM as written in the Corefile (for messages)
 * @param toArgs                     TO... as written in the Corefile (for messages)
 * @param from                       the zone forwarded, normalized
 * @param ignored                    the zones of {@code except}
 * @param to                         the upstreams, in the order written
 * @param upstreamOptions            what every upstream applies: connection cache, max_fails, health check
 * @param maxConnectAttempts         {@code max_connect_attempts}; -1 when not written
 * @param forceTcp                   {@code force_tcp}
 * @param preferUdp                  {@code prefer_udp}
 * @param tls                        {@code tls CERT KEY CA}, or null when not written
 * @param tlsServerName              {@code tls_servername}, "" when not written
 * @param dohMethod                  {@code doh_method}: how queries are sent to {@code https://} upstreams
 * @param policy                     {@code policy}
 * @param maxConcurrent              {@code max_concurrent}, 0 for no limit
 * @param nextRcodes                 {@code next}: rcodes that pass the query to the next plugin
 * @param nextOnNodata               {@code next_on_nodata}
 * @param failfastUnhealthyUpstreams {@code failfast_all_unhealthy_upstreams}
 * @param failoverRcodes             {@code failover}: rcodes that make the query try another upstream
 */
record Stanza(String fromArg, List<String> toArgs, String from, List<String> ignored, List<Endpoint> to,
              UpstreamOptions upstreamOptions, int maxConnectAttempts, boolean forceTcp, boolean preferUdp,
              TlsSettings tls, String tlsServerName, String dohMethod, Policy policy, long maxConcurrent,
              List<Integer> nextRcodes, boolean nextOnNodata, boolean failfastUnhealthyUpstreams,
              List<Integer> failoverRcodes) {

    /** Where one TO points; {@code scheme} is {@code dns}, {@code tls} or {@code https}. */
    record Endpoint(String scheme, String ip, int port, String serverName, String label) {
        /** DNS over TLS. */
        boolean tls() {
            return scheme.equals("tls");
        }

        /** DNS over HTTPS. */
        boolean https() {
            return scheme.equals("https");
        }

        /** Either: the TLS settings and server name apply. */
        boolean secure() {
            return tls() || https();
        }
    }

    Stanza {
        toArgs = List.copyOf(toArgs);
        ignored = List.copyOf(ignored);
        to = List.copyOf(to);
        nextRcodes = List.copyOf(nextRcodes);
        failoverRcodes = List.copyOf(failoverRcodes);
    }

    /** {@code max_fails}: consecutive failures after which an upstream is down, 0 for never. */
    int maxFails() {
        return upstreamOptions.maxFails();
    }

    /**
     * How many failed exchanges one query may have before it is answered SERVFAIL; 0 means no cap
     * (only the 5s deadline). Unset, it is twice the number of upstreams, so upstreams that fail at
     * once (a closed port) are not tried again and again until the deadline.
     */
    long connectAttemptCap() {
        return maxConnectAttempts < 0 ? 2L * to.size() : maxConnectAttempts;
    }
}
