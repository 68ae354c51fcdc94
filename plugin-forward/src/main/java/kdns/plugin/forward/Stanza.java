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
    int maxConnectAttempts;
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
}
