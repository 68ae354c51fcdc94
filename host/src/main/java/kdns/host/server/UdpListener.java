package kdns.host.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import kdns.api.Log;

/**
 * UDP on one address: {@code SO_REUSEPORT} sockets, one reader thread each that runs the chain
 * inline, and the replies sent back through the socket the query came in on (from the reader, or
 * later from a plugin's own thread when it answered {@code DEFERRED}).
 *
 * <p>Two implementations with the same behaviour: on Linux, where Netty's native epoll transport
 * loads, {@link EpollUdpListener} reads and sends in batches ({@code recvmmsg}/{@code sendmmsg}),
 * which is most of the CPU a query costs on this path; elsewhere, or with
 * {@code -Dkdns.udp.transport=nio}, {@link NioUdpListener} uses the JDK's DatagramChannel.
 */
public interface UdpListener extends AutoCloseable {

    /** The address actually bound (its port is the real one when 0 was asked for). */
    InetSocketAddress address();

    /** Starts reading. */
    void start();

    /** Stops reading and closes the sockets. */
    @Override
    void close();

    /**
     * Binds {@code sockets} sockets on {@code address} (with port 0 the first picks a free port and
     * the others join it).
     *
     * @param processor read per packet, so a reload can swap the chains without touching sockets
     */
    static UdpListener open(InetSocketAddress address, int sockets, Supplier<QueryProcessor> processor)
            throws IOException {
        String transport = System.getProperty("kdns.udp.transport", "auto");
        boolean epoll = switch (transport) {
            case "nio" -> false;
            case "epoll" -> {
                if (!EpollUdpListener.available()) {
                    throw new IOException("-Dkdns.udp.transport=epoll, but Netty's epoll transport does not load here: "
                            + EpollUdpListener.unavailabilityCause());
                }
                yield true;
            }
            case "auto" -> EpollUdpListener.available();
            default -> throw new IOException("unknown -Dkdns.udp.transport=" + transport + ": use auto, epoll or nio");
        };
        if (epoll) {
            return new EpollUdpListener(address, sockets, processor);
        }
        if (transport.equals("auto")) {
            Log.plain().debug("udp on " + address + " through the JDK's DatagramChannel: "
                    + EpollUdpListener.unavailabilityCause());
        }
        return new NioUdpListener(address, sockets, processor);
    }
}
