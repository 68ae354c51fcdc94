package kdns.host.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import kdns.api.Log;
import kdns.api.Transport;

/**
 * UDP on one address with the JDK's {@link DatagramChannel} (one receive and one send system call
 * per query): one {@code SO_REUSEPORT} socket per reader, each read by its own platform
 * thread that runs the chain inline. The kernel spreads clients over the sockets, and answers from
 * memory never change threads. Plugins that wait on the network return {@code DEFERRED} and send
 * their reply later through the same socket, so a reader never blocks on them.
 */
final class NioUdpListener implements UdpListener {

    private static final Log LOG = Log.plain();
    private static final int MAX_DATAGRAM = 65535;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Supplier<QueryProcessor> processor;
    private final InetSocketAddress boundAddress;
    private volatile boolean closed;

    /**
     * Binds the sockets. With port 0 the first socket picks a free port and the others join it.
     *
     * @param processor read per packet, so a reload can swap the chains without touching sockets
     */
    NioUdpListener(InetSocketAddress address, int sockets, Supplier<QueryProcessor> processor) throws IOException {
        this.processor = processor;
        InetSocketAddress bindTo = address;
        try {
            for (int i = 0; i < Math.max(1, sockets); i++) {
                DatagramChannel ch = DatagramChannel.open();
                if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                } else if (i > 0) {
                    ch.close();
                    break; // one socket is all this platform can share a port with
                }
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                ch.bind(bindTo);
                bindTo = (InetSocketAddress) ch.getLocalAddress();
                channels.add(ch);
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot listen on udp " + address + ": " + e.getMessage(), e);
        }
        this.boundAddress = bindTo;
    }

    @Override
    public InetSocketAddress address() {
        return boundAddress;
    }

    @Override
    public void start() {
        for (int i = 0; i < channels.size(); i++) {
            DatagramChannel ch = channels.get(i);
            Thread t = Thread.ofPlatform().daemon().name("udp-" + boundAddress.getPort() + "-" + i)
                    .unstarted(() -> readLoop(ch));
            readers.add(t);
            t.start();
        }
    }

    private void readLoop(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        InetSocketAddress local = boundAddress;
        while (!closed) {
            InetSocketAddress remote;
            byte[] packet;
            try {
                buf.clear();
                remote = (InetSocketAddress) ch.receive(buf);
                if (remote == null) {
                    continue;
                }
                buf.flip();
                packet = new byte[buf.remaining()];
                buf.get(packet);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("udp read on " + boundAddress + " failed: " + e.getMessage());
                }
                continue;
            }
            serve(ch, packet, remote, local);
        }
    }

    private void serve(DatagramChannel ch, byte[] packet, InetSocketAddress remote, InetSocketAddress local) {
        try {
            processor.get().handle(packet, packet.length, Transport.UDP, remote, local,
                    (wire, len) -> send(ch, wire, len, remote));
        } catch (RuntimeException | StackOverflowError e) {
            // QueryProcessor catches plugin failures; this is a last line so a reader never dies.
            LOG.error("udp query from " + remote + " failed: " + e);
        }
    }

    private void send(DatagramChannel ch, byte[] wire, int len, InetSocketAddress remote) {
        try {
            ch.send(ByteBuffer.wrap(wire, 0, len), remote);
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("udp send to " + remote + " failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with it
            }
        }
        for (Thread t : readers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
