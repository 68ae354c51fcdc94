package kdns.host.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import kdns.api.Log;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;

/**
 * The server's own writer: completes every reply the same way whatever plugin wrote it (the ID,
 * the question as the client spelled it, QR/RD/CD, the EDNS0 OPT mirroring the client's) and
 * truncates it with TC=1 when it exceeds what the client accepts.
 */
final class ReplyWriter implements ResponseWriter {

    private static final Log LOG = Log.plain();
    private static final int OPCODE_BITS = 0xf << 11;

    private final Request request;
    private final ReplySink sink;
    private final int flagsSet;
    private final int flagsClear;
    private final BitSet echoed;
    /*
     * Written with release and read with acquire (WRITTEN, SENT_LENGTH), not volatile: a deferred
     * reply is written on another thread, but volatile stores cost three full fences per query.
     */
    private boolean written;
    private int sentLength = -1;

    private static final VarHandle WRITTEN;
    private static final VarHandle SENT_LENGTH;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITTEN = lookup.findVarHandle(ReplyWriter.class, "written", boolean.class);
            SENT_LENGTH = lookup.findVarHandle(ReplyWriter.class, "sentLength", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ReplyWriter(Request request, ReplySink sink) {
        this(request, sink, 0, 0, null);
    }

    /**
     * A writer whose replies get the block's reply flags ({@code 1 << flag} masks; the header plugin)
     * and echo the query's EDNS0 options of the codes in {@code echoed} besides the standard ones
     * (null: none), as the block's plugins asked ({@code Controller.echoEdnsOption}).
     */
    ReplyWriter(Request request, ReplySink sink, int flagsSet, int flagsClear, BitSet echoed) {
        this.request = request;
        this.sink = sink;
        this.flagsSet = flagsSet;
        this.flagsClear = flagsClear;
        this.echoed = echoed;
    }

    @Override
    public void write(Message reply) {
        if (written()) {
            LOG.debug("a second reply for " + request + " was dropped");
            return;
        }
        WRITTEN.setRelease(this, true);
        byte[] wire = finish(reply, request, flagsSet, flagsClear, echoed);
        SENT_LENGTH.setRelease(this, wire.length);
        sink.send(wire, wire.length);
    }

    @Override
    public int sentLength() {
        return (int) SENT_LENGTH.getAcquire(this);
    }

    /**
     * A reply relayed in wire form, completed in place: the client's ID, QR/opcode/RD/CD and the
     * block's reply flags in the header, the client's buffer size and DO bit in the reply's OPT
     * record, everything else as it came; what {@link #complete} and {@link #finish} do to the
     * parsed reply, without parsing it. Declined (false) whenever that would not give the same
     * reply: a signed request or reply, a reply longer than the client accepts (it must be
     * truncated), a question other than the client's byte for byte (the client's spelling goes
     * in), or no OPT record in the reply of a client that sent one (the server adds its own).
     */
    @Override
    public boolean writeWire(WireMessage reply) {
        // The question's type, class and received bytes say enough; its record is made only when
        // the reply's name must be compared with the parsed one.
        OPTRecord clientOpt = request.opt();
        if (written() || request.replySigning() != null || reply.signed()
                || reply.length() > request.size()
                || reply.questionType() != request.qtype() || reply.questionClass() != request.qclass()
                || !(sameNameAsReceived(reply) || reply.questionNameIs(spelled(request.qname()), false))
                || (clientOpt != null && reply.optOffset() < 0)) {
            return false;
        }
        WRITTEN.setRelease(this, true);
        byte[] wire = reply.wire();
        int flags = (reply.flags() & ~(OPCODE_BITS | flagBit(Flags.RD) | flagBit(Flags.CD)))
                | flagBit(Flags.QR) | (request.opcode() << 11)
                | (request.flag(Flags.RD) ? flagBit(Flags.RD) : 0) | (request.flag(Flags.CD) ? flagBit(Flags.CD) : 0);
        for (int flag = 0; flag < 16; flag++) {
            if ((flagsClear & (1 << flag)) != 0) {
                flags &= ~flagBit(flag);
            } else if ((flagsSet & (1 << flag)) != 0) {
                flags |= flagBit(flag);
            }
        }
        put16(wire, 0, request.id());
        put16(wire, 2, flags);
        if (clientOpt != null) {
            // As mirrorOpt: the client's size and DO bit, the reply's extended rcode and options, version 0.
            int opt = reply.optOffset();
            put16(wire, opt + 3, Math.max(Request.DEFAULT_UDP_SIZE, clientOpt.getPayloadSize()));
            wire[opt + 6] = 0;
            put16(wire, opt + 7, (clientOpt.getFlags() & ExtendedFlags.DO) != 0 ? ExtendedFlags.DO : 0);
        }
        SENT_LENGTH.setRelease(this, reply.length());
        sink.send(wire, reply.length());
        return true;
    }

    /**
     * Whether a wire reply can be taken at all: not once a reply went out, and not for a signed
     * request (its replies are signed while rendered). The checks on the reply itself are
     * {@link #writeWire}'s.
     */
    @Override
    public boolean takesWire() {
        return !written() && request.replySigning() == null;
    }

    /**
     * Whether the reply's question name is, byte for byte, the name right after the header of the
     * query's bytes: then it is the client's spelling of the question (the name was read from
     * there), and no wire form of the {@code Name} has to be made to compare.
     */
    private boolean sameNameAsReceived(WireMessage reply) {
        byte[] query = request.wire();
        int end = reply.questionNameEnd();
        if (query == null || end > query.length) {
            return false;
        }
        byte[] wire = reply.wire();
        for (int i = 12; i < end; i++) {
            if (wire[i] != query[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The question's name in wire form as the client spelled it. dnsjava's {@code toWire()} makes
     * a name object for every suffix; the canonical form is one array, and it is the client's
     * spelling unless the client used upper case.
     */
    private byte[] spelled(Name name) {
        return request.mixedCase() ? name.toWire() : name.toWireCanonical();
    }

    /**
     * A zone transfer: every message completed like a single reply and sent in order, on a
     * stream transport. Over UDP only a lone message can go out.
     */
    @Override
    public void writeStream(List<Message> messages) {
        if (messages.size() == 1 || !request.transport().stream()) {
            write(messages.get(0));
            return;
        }
        if (written()) {
            LOG.debug("a second reply for " + request + " was dropped");
            return;
        }
        WRITTEN.setRelease(this, true);
        int total = 0;
        Request.Signing signing = request.replySigning();
        TSIG.StreamGenerator signer = signing == null ? null : new TSIG.StreamGenerator(signing.key(), signing.queryTsig());
        for (Message m : messages) {
            byte[] wire;
            if (signer == null) {
                wire = finish(m, request, flagsSet, flagsClear, echoed);
            } else {
                complete(m, request, flagsSet, flagsClear, echoed);
                signer.generate(m); // each message chained to the one before (RFC 8945 5.3.1)
                wire = m.toWire();
            }
            total += wire.length;
            SENT_LENGTH.setRelease(this, total);
            sink.send(wire, wire.length);
        }
    }

    boolean written() {
        return (boolean) WRITTEN.getAcquire(this);
    }

    /**
     * Completes a reply to {@code request} and renders it within the client's size limit, signed
     * last when the request's replies are signed (TSIG).
     */
    static byte[] finish(Message reply, Request request, int flagsSet, int flagsClear, BitSet echoed) {
        complete(reply, request, flagsSet, flagsClear, echoed);
        Request.Signing signing = request.replySigning();
        if (signing != null) {
            // dnsjava signs while rendering, after truncation; the owners keep the case they have.
            reply.setTSIG(signing.key(), signing.error(), signing.queryTsig());
            return reply.toWire(request.size());
        }
        // kdns's renderer gives the same bytes with less garbage; dnsjava renders what it does not know.
        byte[] own = ReplyRenderer.render(reply, request.size(), request.mixedCase(), request.qname(), request.wire());
        if (request.mixedCase()) {
            return own != null ? own : CaseKeepingWire.render(reply, request.size());
        }
        byte[] wire = own != null ? own : reply.toWire(request.size());
        // dnsjava sets TC only when answer or authority records are cut; CoreDNS (miekg's Truncate)
        // sets it when any record is left out, glue included, so clients retry over TCP.
        if (wire.length >= 12 && !reply.getHeader().getFlag(Flags.TC)
                && (u16(wire, 6) < reply.getHeader().getCount(Section.ANSWER)
                || u16(wire, 8) < reply.getHeader().getCount(Section.AUTHORITY)
                || u16(wire, 10) < reply.getHeader().getCount(Section.ADDITIONAL))) {
            wire[2] |= 0x02; // the TC bit of the header's flags
        }
        return wire;
    }

    /** The query's ID, flags, question and EDNS0 on a reply a plugin wrote. */
    private static void complete(Message reply, Request request, int flagsSet, int flagsClear, BitSet echoed) {
        Header h = reply.getHeader();
        h.setID(request.id());
        h.setFlag(Flags.QR);
        copyFlag(request, h, Flags.RD);
        copyFlag(request, h, Flags.CD);
        h.setOpcode(request.opcode());
        if ((flagsSet | flagsClear) != 0) {
            for (int flag = 0; flag < 16; flag++) {
                if ((flagsClear & (1 << flag)) != 0) {
                    h.unsetFlag(flag);
                } else if ((flagsSet & (1 << flag)) != 0) {
                    h.setFlag(flag);
                }
            }
        }

        Record question = request.question();
        // Read through the count and getQuestion: getSectionArray would copy the section per reply.
        if (h.getCount(Section.QUESTION) != 1 || reply.getQuestion() != question) {
            reply.removeAllRecords(Section.QUESTION);
            reply.addRecord(question, Section.QUESTION);
        }

        OPTRecord clientOpt = request.opt();
        if (clientOpt != null) {
            mirrorOpt(reply, clientOpt, echoed);
        }
    }

    /**
     * CoreDNS's {@code SizeAndDo} for a client that sent an OPT: a reply OPT keeps its options and
     * extended rcode and gets the client's buffer size and DO bit; a reply without one gets the
     * client's, holding only the options the server echoes (NSID, EXPIRE, COOKIE, TCP-KEEPALIVE,
     * PADDING, and the codes the block's plugins asked for). A client without OPT
     * gets the reply as the plugin wrote it. "The client's" OPT is the one the request's message
     * holds when the reply is written, so a plugin that changed it in place
     * ({@link Request#replaceOpt}, {@link Request#lowerUdpSize}) is mirrored.
     */
    private static void mirrorOpt(Message reply, OPTRecord clientOpt, BitSet echoed) {
        OPTRecord replyOpt = reply.getOPT();
        boolean dnssecOk = (clientOpt.getFlags() & ExtendedFlags.DO) != 0;
        int size = Math.max(Request.DEFAULT_UDP_SIZE, clientOpt.getPayloadSize());
        int flags = dnssecOk ? ExtendedFlags.DO : 0;
        List<EDNSOption> options;
        int extendedRcode = 0;
        if (replyOpt != null) {
            reply.removeRecord(replyOpt, Section.ADDITIONAL);
            options = replyOpt.getOptions();
            extendedRcode = replyOpt.getExtendedRcode();
        } else {
            options = echoedOptions(clientOpt.getOptions(), echoed);
        }
        reply.addRecord(options.isEmpty() ? new OPTRecord(size, extendedRcode, 0, flags)
                : new OPTRecord(size, extendedRcode, 0, flags, options), Section.ADDITIONAL);
    }

    private static List<EDNSOption> echoedOptions(List<EDNSOption> client, BitSet echoed) {
        if (client.isEmpty()) {
            return client;
        }
        List<EDNSOption> out = new ArrayList<>(client.size());
        for (EDNSOption o : client) {
            // other options are the client's business: not echoed, as CoreDNS
            if (echoedByDefault(o.getCode()) || (echoed != null && echoed.get(o.getCode()))) {
                out.add(o);
            }
        }
        return out;
    }

    /** The options CoreDNS's {@code edns.SupportedOption} always echoes. */
    private static boolean echoedByDefault(int code) {
        return switch (code) {
            case EDNSOption.Code.NSID, EDNSOption.Code.EDNS_EXPIRE, EDNSOption.Code.COOKIE,
                 EDNSOption.Code.TCP_KEEPALIVE, EDNSOption.Code.PADDING -> true;
            default -> false;
        };
    }

    /** A dnsjava {@link Flags} number as its bit in the header's 16 flag bits. */
    private static int flagBit(int flag) {
        return 1 << (15 - flag);
    }

    private static void put16(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> 8);
        b[off + 1] = (byte) value;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static void copyFlag(Request from, Header to, int flag) {
        if (from.flag(flag)) {
            to.setFlag(flag);
        } else {
            to.unsetFlag(flag);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return request.localAddress();
    }
}
