package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.List;
import kdns.plugin.forward.proxy.TlsSettings;

/** One parsed {@code forward FROM TO... { ... }} stanza with CoreDNS's defaults. */
final class Stanza {

    /** Where one TO points. */
    record Endpoint(boolean tls, String ip, int port, String serverName, String label) {
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
    long expireNanos = 10_000_000_000L;
    int maxIdleConns;
    Policy policy = new Policy.Random();
    long maxConcurrent;
    final List<Integer> nextRcodes = new ArrayList<>();
    boolean nextOnNodata;
    boolean failfastUnhealthyUpstreams;
    final List<Integer> failoverRcodes = new ArrayList<>();
}
