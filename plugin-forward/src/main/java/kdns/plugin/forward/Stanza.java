package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.List;
import kdns.plugin.forward.proxy.TlsSettings;

/** One parsed {@code forward FROM TO... { ... }} stanza with CoreDNS's defaults. */
final class Stanza {

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

    /** FROM and TO... as written in the Corefile (for messages). */
    String fromArg = ".";
    final List<String> toArgs = new ArrayList<>();
    String from = ".";
    final List<String> ignored = new ArrayList<>();
    final List<Endpoint> to = new ArrayList<>();
    int maxFails = 2;
    /** {@code max_connect_attempts}; -1 when not written: two per upstream (CoreDNS 1.14.7+). */
    int maxConnectAttempts = -1;
    long hcIntervalNanos = 500_000_000L;
    boolean hcRecursionDesired = true;
    String hcDomain = ".";
    boolean forceTcp;
    boolean preferUdp;
    TlsSettings tls;
    String tlsServerName = "";
    /** {@code doh_method}: how queries are sent to {@code https://} upstreams. */
    String dohMethod = "POST";
    long expireNanos = 10_000_000_000L;
    int maxIdleConns;
    Policy policy = new Policy.Random();
    long maxConcurrent;
    final List<Integer> nextRcodes = new ArrayList<>();
    boolean nextOnNodata;
    boolean failfastUnhealthyUpstreams;
    final List<Integer> failoverRcodes = new ArrayList<>();

    /**
     * How many failed exchanges one query may have before it is answered SERVFAIL; 0 means no cap
     * (only the 5s deadline). Unset, it is twice the number of upstreams, so upstreams that fail at
     * once (a closed port) are not tried again and again until the deadline.
     */
    long connectAttemptCap() {
        return maxConnectAttempts < 0 ? 2L * to.size() : maxConnectAttempts;
    }
}
