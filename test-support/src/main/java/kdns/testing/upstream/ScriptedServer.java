package kdns.testing.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import kdns.testing.upstream.ScriptedUpstream.Script;

/**
 * What the scripted test upstreams share ({@link ScriptedUpstream} over UDP, TCP and TLS,
 * {@link DohUpstream} over HTTPS): a port of 127.0.0.1, the {@link Script} that answers (every A
 * query with 192.0.2.1 until a test sets another), a delay before each reply, a log of what was
 * received and a count of the replies sent.
 *
 * @param <R> what one received request is recorded as
 */
public abstract class ScriptedServer<R> implements LoopbackServer, AutoCloseable {

    /** Opens the server's sockets at an address. */
    @FunctionalInterface
    interface Bind {
        void bind(InetSocketAddress at) throws IOException;
    }

    /** Everything received, in order. */
    final Received<R> received;
    /** The replies sent. */
    final AtomicInteger served = new AtomicInteger();
    private final int port;
    private volatile Script script = ScriptedUpstream.answerA("192.0.2.1");
    private volatile Duration delay = Duration.ZERO;

    /** @param name the query name of a received request as sent, or null when it has none */
    ScriptedServer(int port, Function<R, String> name) {
        this.port = port;
        this.received = new Received<>(name);
    }

    /** Answers from now on as {@code s} says. */
    public void script(Script s) {
        this.script = s;
    }

    /** Delays every reply by {@code d} (over UDP the reply is scheduled; a TCP or HTTPS connection waits). */
    public void delay(Duration d) {
        this.delay = d;
    }

    @Override
    public int port() {
        return port;
    }

    /** How many replies were sent. */
    public int served() {
        return served.get();
    }

    /** Kills the server: closes its sockets and every open connection. The port stays unused. */
    public abstract void stop();

    /** True while it serves (not stopped). */
    public abstract boolean running();

    /** Serves again on the same port after {@link #stop()}. */
    public final synchronized void restart() throws IOException {
        if (!running()) {
            open();
        }
    }

    /** Opens the sockets and starts serving. */
    abstract void open() throws IOException;

    /**
     * Runs {@code bind} at 127.0.0.1 and the port, which may linger for a moment after
     * {@link #stop()}: up to 50 tries, 100 ms apart.
     */
    final void bindRetrying(Bind bind) throws IOException {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                bind.bind(address());
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
        throw last;
    }

    /** The script in force. */
    final Script script() {
        return script;
    }

    /** The delay in force. */
    final Duration delay() {
        return delay;
    }
}
