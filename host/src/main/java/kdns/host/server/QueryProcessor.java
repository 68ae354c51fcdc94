package kdns.host.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * Turns one packet into at most one reply: screens the header, parses, routes by zone and runs the
 * block's chain inline on the calling thread. Never throws: a bad packet is answered with FORMERR
 * when its header can be read and dropped otherwise; a failing plugin is answered with SERVFAIL.
 */
public final class QueryProcessor {

    private static final Log LOG = Log.plain();
    private static final int HEADER_LENGTH = 12;

    private final ZoneRouter router;
    private final AtomicLong panics = new AtomicLong();
    private final PanicListener panicListener;

    /** Told about every plugin failure that was not a {@link HandlerException} (a bug). */
    @FunctionalInterface
    public interface PanicListener {
        void panic(String serverKey, Throwable t);
    }

    public QueryProcessor(ZoneRouter router, PanicListener panicListener) {
        this.router = router;
        this.panicListener = panicListener;
    }

    /** How many plugin failures were caught (CoreDNS's panics). */
    public long panics() {
        return panics.get();
    }

    /**
     * Serves one packet.
     *
     * @param packet the bytes received; only {@code [0, length)} is read. The array is the
     *               processor's from then on (the request keeps it, see {@link Request#wire()}):
     *               the caller must not reuse or change it
     * @return true when a reply was sent or will be sent (deferred); false when the packet was dropped
     */
    public boolean handle(byte[] packet, int length, Transport transport, InetSocketAddress remote,
                       InetSocketAddress local, ReplySink sink) {
        return handle(packet, length, transport, remote, local, sink, null);
    }

    /**
     * Serves one packet read on an event loop's thread: {@code eventLoop} (that loop) is given to
     * the plugins as {@link Request#eventLoop()}; null for none.
     */
    public boolean handle(byte[] packet, int length, Transport transport, InetSocketAddress remote,
                       InetSocketAddress local, ReplySink sink, Executor eventLoop) {
        if (length < HEADER_LENGTH) {
            return false; // not even a header: nothing to answer to
        }
        int flags = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
        if ((flags & 0x8000) != 0) {
            return false; // a response, not a query: never answer it (reflection loops)
        }
        int opcode = (flags >>> 11) & 0xf;
        int qdcount = u16(packet, 4);
        int ancount = u16(packet, 6);
        int nscount = u16(packet, 8);
        int arcount = u16(packet, 10);
        if (opcode != Opcode.QUERY) {
            sink.send(errorHeader(packet, Rcode.NOTIMP), HEADER_LENGTH);
            return true;
        }
        // The same limits as miekg/dns's default accept function.
        if (qdcount != 1 || ancount > 1 || nscount > 1 || arcount > 2) {
            sink.send(errorHeader(packet, Rcode.FORMERR), HEADER_LENGTH);
            return true;
        }
        byte[] bytes = length == packet.length ? packet : Arrays.copyOf(packet, length);
        // Most queries are in the plain form read without dnsjava's parse; any other is parsed
        // here as it always was, so a malformed query gets the same FORMERR or drop as before.
        Request plain = Request.received(bytes, transport, remote, local, ".", eventLoop);
        if (plain != null) {
            serve(plain, sink);
            return true;
        }
        Message query;
        try {
            query = new Message(bytes);
        } catch (IOException | RuntimeException e) {
            sink.send(errorHeader(packet, Rcode.FORMERR), HEADER_LENGTH);
            return true;
        }
        if (query.getQuestion() == null) {
            sink.send(errorHeader(packet, Rcode.FORMERR), HEADER_LENGTH);
            return true;
        }
        serve(new Request(query, transport, remote, local, ".", received(query, bytes), eventLoop), sink);
        return true;
    }

    /**
     * The bytes the request keeps ({@link Request#wire()}): the tsig plugin checks a signature over
     * them and forward sends them on instead of rendering the message again, so they must be
     * exactly the parsed message. A packet with bytes after the message keeps none, as dnsjava
     * may have stopped reading its records (it does so silently when TC is set), unless the query
     * is signed: its TSIG record, the last one, was read, so the message is whole and its bytes
     * are kept without the tail (the signature covers only bytes before the TSIG record). The
     * packet was handed over, so it is kept without a copy when it is the message.
     */
    private static byte[] received(Message query, byte[] bytes) {
        int n = query.numBytes();
        if (n == bytes.length) {
            return bytes;
        }
        return query.getTSIG() == null ? null : Arrays.copyOf(bytes, n);
    }

    private void serve(Request probe, ReplySink sink) {
        OPTRecord opt = probe.opt();
        if (opt != null && opt.getVersion() != 0) {
            writeError(probe, sink, Rcode.BADVERS);
            return;
        }
        BlockChain block = router.route(probe);
        if (block == null || block.head() == null) {
            writeError(probe, sink, Rcode.REFUSED);
            return;
        }
        if (!block.anyClass() && probe.qclass() != DClass.IN) {
            writeError(probe, sink, Rcode.REFUSED);
            return;
        }
        Request request = probe.inServerZone(block.zone(), block.view());
        ReplyWriter writer = new ReplyWriter(request, sink, block.flagsSet(), block.flagsClear(), block.echoOptions());
        int rcode;
        Handler head = block.head();
        try {
            request.passedTo(head.name());
            rcode = head.serve(request, writer);
        } catch (HandlerException e) {
            rcode = e.rcode(); // logged by the errors plugin when it is in the chain
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            panics.incrementAndGet();
            panicListener.panic(block.serverKey(), e);
            if (block.debug()) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                LOG.error("plugin failure in " + block.serverKey() + " answering " + request + ":\n" + trace);
            }
            rcode = Rcode.SERVFAIL;
        }
        if (rcode != Handler.DEFERRED && !writer.written()) {
            if (Rcodes.clientWrote(rcode)) {
                sink.none(); // the chain says it answered, and wrote nothing: a dropped query
            } else {
                writeErrorWith(writer, request, rcode);
            }
        }
    }

    private static void writeError(Request request, ReplySink sink, int rcode) {
        writeErrorWith(new ReplyWriter(request, sink), request, rcode);
    }

    private static void writeErrorWith(ReplyWriter writer, Request query, int rcode) {
        Message reply = new Message(query.id());
        reply.addRecord(query.question(), Section.QUESTION);
        if (rcode > 0xf) {
            // Extended rcodes (BADVERS) live partly in the OPT record.
            reply.getHeader().setRcode(rcode & 0xf);
            reply.addRecord(new OPTRecord(Request.DEFAULT_UDP_SIZE, rcode >>> 4, 0), Section.ADDITIONAL);
        } else {
            reply.getHeader().setRcode(rcode);
        }
        writer.write(reply);
    }

    /** A bare header reply: the query's ID, opcode and RD, QR set, all counts zero. */
    static byte[] errorHeader(byte[] packet, int rcode) {
        byte[] h = new byte[HEADER_LENGTH];
        h[0] = packet[0];
        h[1] = packet[1];
        // QR=1, opcode kept, RD kept; AA/TC cleared; RA=0; rcode set.
        h[2] = (byte) (0x80 | (packet[2] & 0x78) | (packet[2] & 0x01));
        h[3] = (byte) (rcode & 0xf);
        return h;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /** Logs plugin failures, at most one line a second, so a bug hit by every query cannot flood the log. */
    public static PanicListener loggingPanics() {
        AtomicLong lastLogged = new AtomicLong();
        return (serverKey, t) -> {
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last > 1_000_000_000L && lastLogged.compareAndSet(last, now)) {
                LOG.error("plugin failure in " + serverKey + ": " + t);
            }
        };
    }
}
