package kdns.plugin.standard.loop;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The start-up probe of one block, on its own daemon thread (the listeners start after the
 * start-up hooks): sends the HINFO query to the block's own address until one is answered, then
 * disables the handler two seconds later; gives up and disables it after 30 seconds. An
 * unanswered probe resets the count and is sent again a second later. Like {@code dig}, it waits
 * 2 seconds for an answer.
 */
final class Probe implements Runnable {

    static final long DEADLINE_MS = 30_000;
    static final int TIMEOUT_MS = 2_000;
    static final long RETRY_MS = 1_000;
    static final long GRACE_MS = 2_000;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final LoopHandler handler;
    private final InetSocketAddress target;
    private volatile boolean stopped;
    private volatile Thread thread;

    Probe(LoopHandler handler, InetSocketAddress target, String shown) {
        this.handler = handler;
        this.target = target;
        handler.address(shown);
    }

    /** The address to send to for a block listening on {@code host} (empty: every address). */
    static InetSocketAddress target(String host, int port) throws IOException {
        if (host.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        InetAddress a = InetAddress.getByName(host);
        if (a.isAnyLocalAddress()) {
            a = host.indexOf(':') >= 0 ? InetAddress.getByName("::1") : InetAddress.getLoopbackAddress();
        }
        return new InetSocketAddress(a, port);
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(this, "kdns-loop-probe-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        handler.disable();
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        try {
            while (!stopped && System.nanoTime() < deadline) {
                if (exchange()) {
                    Thread.sleep(GRACE_MS);
                    break;
                }
                handler.reset();
                Thread.sleep(RETRY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            handler.disable();
        }
    }

    /** Sends the probe once; true when any reply came back. */
    boolean exchange() {
        byte[] query;
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(handler.qname()), Type.HINFO, DClass.IN));
            m.getHeader().setID(id);
            m.getHeader().setFlag(Flags.RD);
            query = m.toWire();
        } catch (TextParseException e) {
            return false;
        }
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(TIMEOUT_MS);
            s.send(new DatagramPacket(query, query.length, target));
            byte[] buf = new byte[4096];
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                if (p.getLength() >= 2 && ((buf[0] & 0xff) << 8 | (buf[1] & 0xff)) == id) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
