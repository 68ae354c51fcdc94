package kdns.testing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;

/**
 * A ResponseWriter that records the reply (CoreDNS's {@code dnstest.Recorder} over
 * {@code test.ResponseWriter}): remote {@code 10.240.0.1:40212} and local {@code 127.0.0.1:53} by
 * default, like CoreDNS's tests.
 */
public class RecordingWriter implements ResponseWriter {

    public static final InetSocketAddress DEFAULT_REMOTE = new InetSocketAddress("10.240.0.1", 40212);
    public static final InetSocketAddress DEFAULT_LOCAL = new InetSocketAddress("127.0.0.1", 53);

    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Message msg;
    private volatile int writes;
    private volatile List<Message> stream = List.of();

    public RecordingWriter() {
        this(DEFAULT_REMOTE);
    }

    public RecordingWriter(InetSocketAddress remote) {
        this(remote, DEFAULT_LOCAL);
    }

    public RecordingWriter(InetSocketAddress remote, InetSocketAddress local) {
        this.remote = remote;
        this.local = local;
    }

    @Override
    public synchronized void write(Message reply) {
        writes++;
        if (msg == null) {
            msg = reply;
        }
        done.countDown();
    }

    /** Records a multi-message reply (a zone transfer): {@link #msg()} is its first message. */
    @Override
    public synchronized void writeStream(List<Message> messages) {
        if (msg == null) {
            stream = List.copyOf(messages);
        }
        write(messages.get(0));
    }

    /** Every message of the reply: the one written, or all of a {@link #writeStream} reply. */
    public List<Message> messages() {
        Message m = msg;
        if (m == null) {
            return List.of();
        }
        return stream.isEmpty() ? List.of(m) : stream;
    }

    /** The first reply written, or null. */
    public Message msg() {
        return msg;
    }

    /** The first reply's rcode, or -1 when nothing was written. */
    public int rcode() {
        Message m = msg;
        return m == null ? -1 : m.getRcode();
    }

    public boolean written() {
        return msg != null;
    }

    /** How many replies were written (a correct handler writes one). */
    public int writes() {
        return writes;
    }

    /** Waits for a deferred reply. */
    public Message await(long timeout, TimeUnit unit) throws InterruptedException {
        done.await(timeout, unit);
        return msg;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
