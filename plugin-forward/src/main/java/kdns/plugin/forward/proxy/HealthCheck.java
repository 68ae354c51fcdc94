package kdns.plugin.forward.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.Log;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * CoreDNS's in-band health checking: after a failed exchange, a probe sends {@code <domain> IN NS}
 * (recursion desired unless {@code no_rec}) every interval until the upstream answers anything at
 * all; each failed check counts one fail (the upstream is down with more than {@code max_fails}),
 * the first success sets the count back to zero and ends the probe. A DNS-over-HTTPS upstream is
 * checked with the same query over its HTTP client (the configured method; a reply counts when it
 * is a DNS message with status 200). Runs on a virtual thread.
 */
final class HealthCheck {

    private static final Log LOG = Log.forPlugin("forward");
    private static final long TIMEOUT_NANOS = 1_000_000_000L;

    private final Upstream upstream;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile boolean tcp;
    private volatile boolean recursionDesired = HealthCheckOptions.DEFAULTS.recursionDesired();
    private volatile Name domain = Name.root;
    private volatile long intervalNanos = HealthCheckOptions.DEFAULTS.intervalNanos();

    HealthCheck(Upstream upstream) {
        this.upstream = upstream;
    }

    void configure(HealthCheckOptions options) {
        this.intervalNanos = options.intervalNanos();
        this.recursionDesired = options.recursionDesired();
        this.tcp = options.tcp();
        try {
            this.domain = Name.fromString(options.domain(), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("health_check: invalid domain name " + options.domain(), e);
        }
    }

    /** Starts a probe unless one is running. */
    void trigger() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        ForwardTimer.virtual("forward-healthcheck-" + upstream.addr(), this::probe);
    }

    boolean running() {
        return running.get();
    }

    void stop() {
        stopped = true;
    }

    private void probe() {
        try {
            while (!stopped) {
                IOException failure = check();
                if (failure == null) {
                    if (upstream.resetFails() > upstream.maxFails() && upstream.maxFails() > 0) {
                        LOG.info("upstream " + upstream.addr() + " is healthy again");
                    }
                    return;
                }
                upstream.metrics().healthcheckFailed(upstream.addr());
                int fails = upstream.incrementFails();
                if (fails == upstream.maxFails() + 1 && upstream.maxFails() > 0) {
                    LOG.warning("upstream " + upstream.addr() + " is marked down after " + fails
                            + " failed health checks: " + describe(failure));
                }
                long sleep = Math.max(intervalNanos, 10_000_000L);
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.set(false);
        }
    }

    static String describe(IOException e) {
        if (e instanceof PortUnreachableException || e instanceof ConnectException) {
            return e.getMessage() == null ? "connection refused" : e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One check: null when the upstream answered with anything that parses as DNS. */
    IOException check() {
        Message ping = Message.newQuery(Record.newRecord(domain, Type.NS, DClass.IN));
        if (recursionDesired) {
            ping.getHeader().setFlag(Flags.RD);
        } else {
            ping.getHeader().unsetFlag(Flags.RD);
        }
        byte[] wire = ping.toWire();
        try {
            if (upstream.https()) {
                upstream.httpsTransport().check(wire, TIMEOUT_NANOS);
            } else if (upstream.tls() || tcp) {
                StreamTransport.Conn c = upstream.stream().connect(TIMEOUT_NANOS, TIMEOUT_NANOS);
                try {
                    c.exchange(wire, TIMEOUT_NANOS);
                } finally {
                    c.close();
                }
            } else {
                udp(wire, upstream.address());
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static void udp(byte[] wire, InetSocketAddress to) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(to);
            s.setSoTimeout((int) (TIMEOUT_NANOS / 1_000_000));
            s.send(new DatagramPacket(wire, wire.length));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("read udp " + to + ": i/o timeout");
            }
            new Message(Arrays.copyOf(p.getData(), p.getLength()));
        }
    }
}
