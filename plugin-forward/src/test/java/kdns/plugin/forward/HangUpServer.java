package kdns.plugin.forward;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP "upstream" on 127.0.0.1 that reads one framed query per connection and hangs up without
 * answering: each exchange with it fails at once, and each is counted.
 */
final class HangUpServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger queries = new AtomicInteger();

    private HangUpServer(ServerSocket server) {
        this.server = server;
    }

    static HangUpServer start() throws IOException {
        HangUpServer s = new HangUpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().name("hang-up-accept").start(s::acceptLoop);
        return s;
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Queries read so far (one per connection). */
    int queries() {
        return queries.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                Thread.ofVirtual().name("hang-up-conn").start(() -> readOneAndClose(c));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readOneAndClose(Socket c) {
        try (c) {
            DataInputStream in = new DataInputStream(c.getInputStream());
            in.readFully(new byte[in.readUnsignedShort()]);
            queries.incrementAndGet();
        } catch (IOException e) {
            // the client went away first
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
