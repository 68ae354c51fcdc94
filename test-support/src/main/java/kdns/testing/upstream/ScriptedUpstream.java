package kdns.testing.upstream;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A fault-injecting upstream DNS server for forward tests, built on dnsjava: UDP and TCP (or
 * DNS-over-TLS only) on 127.0.0.1, answering through a replaceable {@link Script}, with a delay,
 * and able to be killed ({@link #stop()}) and brought back on the same port ({@link #restart()}).
 * Every query it receives is recorded.
 */
public final class ScriptedUpstream extends ScriptedServer<ScriptedUpstream.Query> {

    /** How a query arrived. */
    public enum Via { UDP, TCP, TLS }

    /** A received query, {@code wire} being its bytes as they arrived. */
    public record Query(Message message, Via via, byte[] wire) {
        /** The query name as sent (case kept). */
        public String name() {
            return message.getQuestion().getName().toString();
        }
    }

    /** Decides the reply to a query: a message to send, or null to drop it. */
    @FunctionalInterface
    public interface Script {
        Message answer(Message query, Via via);
    }

    private final SSLContext tls;
    private final boolean needClientAuth;
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scripted-upstream-delay");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile DatagramSocket udp;
    /** The thread receiving on {@link #udp}: the socket is gone only once it has left its receive. */
    private volatile Thread udpReader;
    private volatile ServerSocket tcp;

    private ScriptedUpstream(int port, SSLContext tls, boolean needClientAuth) {
        super(port, Query::name);
        this.tls = tls;
        this.needClientAuth = needClientAuth;
    }

    /** UDP and TCP on a free port of 127.0.0.1, answering every A query with 192.0.2.1. */
    public static ScriptedUpstream start() throws IOException {
        ScriptedUpstream u = new ScriptedUpstream(FreePorts.tcpAndUdp(), null, false);
        u.open();
        return u;
    }

    /**
     * DNS-over-TLS only (no UDP), with this server context (see {@link TestCertificate}); with
     * {@code needClientAuth}, clients must present a certificate the context trusts.
     */
    public static ScriptedUpstream startTls(SSLContext context, boolean needClientAuth) throws IOException {
        ScriptedUpstream u = new ScriptedUpstream(FreePorts.tcpAndUdp(), context, needClientAuth);
        u.open();
        return u;
    }

    // ---- scripts ---------------------------------------------------------------------------

    /** A reply skeleton: the query's ID, question and RD, QR and RA set. */
    public static Message replyTo(Message query) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
        }
        Record q = query.getQuestion();
        if (q != null) {
            m.addRecord(q, Section.QUESTION);
        }
        return m;
    }

    /** Answers A queries with {@code ip} (TTL 60), anything else with an empty NOERROR. */
    public static Script answerA(String ip) {
        return (q, via) -> {
            Message m = replyTo(q);
            Record question = q.getQuestion();
            if (question != null && question.getType() == Type.A) {
                try {
                    m.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName(ip)),
                            Section.ANSWER);
                } catch (IOException e) {
                    throw new IllegalArgumentException(ip, e);
                }
            }
            return m;
        };
    }

    /** Answers everything with this rcode. */
    public static Script rcode(int rcode) {
        return (q, via) -> {
            Message m = replyTo(q);
            m.getHeader().setRcode(rcode);
            return m;
        };
    }

    /** Never answers. */
    public static Script drop() {
        return (q, via) -> null;
    }

    /** Over UDP, an empty reply with TC set; over TCP/TLS, what {@code full} says. */
    public static Script truncatedOverUdp(Script full) {
        return (q, via) -> {
            if (via == Via.UDP) {
                Message m = replyTo(q);
                m.getHeader().setFlag(Flags.TC);
                return m;
            }
            return full.answer(q, via);
        };
    }

    // ---- control ---------------------------------------------------------------------------

    /** Every query received so far (health checks included). */
    public List<Query> queries() {
        return received.all();
    }

    /** Queries received for {@code name} (case-insensitive, fully qualified). */
    public List<Query> queries(String name) {
        return received.named(name);
    }

    public void clearQueries() {
        received.clear();
    }

    /** Connections currently open to the TCP/TLS port. */
    public int openConnections() {
        connections.removeIf(Socket::isClosed);
        return connections.size();
    }

    @Override
    public synchronized void stop() {
        if (udp != null) {
            udp.close();
            udp = null;
            awaitUdpReader();
        }
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing
            }
            tcp = null;
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        connections.clear();
    }

    /**
     * Waits for the UDP reader to leave its receive. Closing a socket another thread is blocked
     * receiving on only marks it closed: the kernel socket lives, and takes datagrams without a
     * port-unreachable reply, until that receive returns. A test that stops an upstream and then
     * expects the refusal at once would otherwise race with the reader's wake-up.
     */
    private void awaitUdpReader() {
        Thread reader = udpReader;
        udpReader = null;
        if (reader == null || reader == Thread.currentThread()) {
            return; // none, or stopped by a script on the reader itself, which leaves its loop next
        }
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the scripted upstream's UDP reader stopped", e);
        }
        if (reader.isAlive()) {
            throw new IllegalStateException("the scripted upstream's UDP reader did not stop within 10 s");
        }
    }

    @Override
    public boolean running() {
        return tcp != null;
    }

    @Override
    public void close() {
        stop();
        delayer.shutdownNow();
    }

    @Override
    synchronized void open() throws IOException {
        bindRetrying(at -> {
            ServerSocket ss;
            if (tls != null) {
                SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
                s.setReuseAddress(true);
                s.setNeedClientAuth(needClientAuth);
                s.bind(at, 50);
                ss = s;
            } else {
                ss = new ServerSocket();
                ss.setReuseAddress(true);
                ss.bind(at, 50);
                DatagramSocket d;
                try {
                    d = new DatagramSocket(at);
                } catch (IOException e) {
                    ss.close();
                    throw e;
                }
                udp = d;
                DatagramSocket ds = d;
                udpReader = Thread.ofPlatform().daemon().name("scripted-upstream-udp-" + port())
                        .start(() -> udpLoop(ds));
            }
            tcp = ss;
            ServerSocket server = ss;
            Thread.ofVirtual().name("scripted-upstream-accept-" + port()).start(() -> acceptLoop(server));
        });
    }

    private Message decide(byte[] data, int len, Via via) {
        byte[] wire = Arrays.copyOf(data, len);
        Message q;
        try {
            q = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        received.add(new Query(q, via, wire));
        try {
            return script().answer(q, via);
        } catch (RuntimeException e) {
            Message m = replyTo(q);
            m.getHeader().setRcode(Rcode.SERVFAIL);
            return m;
        }
    }

    private void udpLoop(DatagramSocket s) {
        byte[] buf = new byte[65535];
        while (!s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (IOException e) {
                if (s.isClosed()) {
                    return;
                }
                continue;
            }
            Message reply = decide(p.getData(), p.getLength(), Via.UDP);
            if (reply == null) {
                continue;
            }
            byte[] wire = reply.toWire(65535);
            DatagramPacket out = new DatagramPacket(wire, wire.length, p.getSocketAddress());
            long d = delay().toNanos();
            Runnable send = () -> {
                try {
                    s.send(out);
                    served.incrementAndGet();
                } catch (IOException ignored) {
                    // socket closed meanwhile: the reply is lost, as with a killed server
                }
            };
            if (d > 0) {
                delayer.schedule(send, d, TimeUnit.NANOSECONDS);
            } else {
                send.run();
            }
        }
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            connections.add(c);
            Thread.ofVirtual().name("scripted-upstream-conn-" + port()).start(() -> serveConnection(c));
        }
    }

    private void serveConnection(Socket c) {
        Via via = tls != null ? Via.TLS : Via.TCP;
        try (c) {
            c.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(new BufferedInputStream(c.getInputStream()));
            OutputStream out = c.getOutputStream();
            while (true) {
                int len = in.readUnsignedShort();
                byte[] msg = new byte[len];
                in.readFully(msg);
                Message reply = decide(msg, len, via);
                if (reply == null) {
                    continue;
                }
                long d = delay().toMillis();
                if (d > 0) {
                    Thread.sleep(d);
                }
                byte[] wire = reply.toWire(65535);
                byte[] framed = new byte[wire.length + 2];
                framed[0] = (byte) (wire.length >>> 8);
                framed[1] = (byte) wire.length;
                System.arraycopy(wire, 0, framed, 2, wire.length);
                out.write(framed);
                out.flush();
                served.incrementAndGet();
            }
        } catch (EOFException | SocketException e) {
            // client went away or the server was stopped
        } catch (IOException e) {
            // handshake failure, timeout: drop the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(c);
        }
    }
}
