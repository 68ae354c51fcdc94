package kdns.plugin.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One cached reply (CoreDNS's {@code item}): the rcode, the AD and RA bits and the records of the
 * three sections without OPT, the TTL it was stored with and when. Immutable but for its
 * popularity counter, its refresh flag and the records and wire forms rendered for the current
 * TTL, which hits within the same second share.
 */
final class Item {

    private static final long SECOND = 1_000_000_000L;

    final CachedReplyType type;
    final int rcode;
    final boolean authenticatedData;
    final boolean recursionAvailable;
    private final Record[] answer;
    private final Record[] authority;
    private final Record[] additional;
    /** The TTL in whole seconds the item was stored with. */
    final long origTtl;
    /** When it was stored, on the cache's ticker. */
    final long stored;
    final Freq freq = new Freq();
    /** Set while a prefetch or stale refresh of this item runs: at most one at a time. */
    final AtomicBoolean refreshing = new AtomicBoolean();

    private volatile Rendered rendered;

    private volatile WireForms wireForms;

    /** The records at one TTL. */
    private record Rendered(long ttl, Record[] answer, Record[] authority, Record[] additional) {
    }

    /**
     * The reply at one TTL in wire form, AD clear: without an OPT record (for clients that sent
     * none) and with a bare one (for clients whose OPT has no options); never changed once made.
     */
    private record WireForms(long ttl, byte[] plain, byte[] withOpt) {
    }

    /** The AD bit in the second byte of the header's flags. */
    private static final int AD_BIT = 0x20;

    Item(Message m, CachedReplyType type, long durationNanos, long now) {
        Header h = m.getHeader();
        this.type = type;
        this.rcode = h.getRcode();
        this.authenticatedData = h.getFlag(Flags.AD);
        this.recursionAvailable = h.getFlag(Flags.RA);
        this.answer = Records.withoutOpt(m.getSectionArray(Section.ANSWER));
        this.authority = Records.withoutOpt(m.getSectionArray(Section.AUTHORITY));
        this.additional = Records.withoutOpt(m.getSectionArray(Section.ADDITIONAL));
        this.origTtl = durationNanos / SECOND;
        this.stored = now;
    }

    /** Seconds left at {@code now}; negative once expired (CoreDNS's {@code item.ttl}). */
    long ttl(long now) {
        return origTtl - (now - stored) / SECOND;
    }

    /** How long Caffeine keeps the item: its TTL plus the whole seconds of the stale window. */
    long lifetimeNanos(long staleSeconds) {
        long seconds = origTtl + staleSeconds;
        return seconds > Long.MAX_VALUE / SECOND ? Long.MAX_VALUE : seconds * SECOND;
    }

    /**
     * The reply to {@code request} from this item with every TTL set to {@code ttl} (CoreDNS's
     * {@code toMsg}): AA set as CoreDNS does, AD only when the client set DO or AD. The question is
     * the request's own, so the server's writer keeps the client's spelling without work.
     */
    Message toMsg(Request request, long ttl, boolean dnssecOk, boolean adRequested) {
        long t = clamp(ttl);
        Rendered r = rendered;
        if (r == null || r.ttl() != t) {
            r = new Rendered(t, Records.withTtl(answer, t), Records.withTtl(authority, t),
                    Records.withTtl(additional, t));
            rendered = r;
        }
        Message m = new Message(request.id());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(request.opcode());
        if (request.flag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (request.flag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        h.setFlag(Flags.AA);
        if (authenticatedData && (dnssecOk || adRequested)) {
            h.setFlag(Flags.AD);
        }
        if (recursionAvailable) {
            h.setFlag(Flags.RA);
        }
        h.setRcode(rcode);
        m.addRecord(request.question(), Section.QUESTION);
        for (Record rr : r.answer()) {
            m.addRecord(rr, Section.ANSWER);
        }
        for (Record rr : r.authority()) {
            m.addRecord(rr, Section.AUTHORITY);
        }
        for (Record rr : r.additional()) {
            m.addRecord(rr, Section.ADDITIONAL);
        }
        return m;
    }

    /**
     * Offers the reply {@link #toMsg} makes to the writer in wire form instead
     * ({@link ResponseWriter#writeWire}), so a hit builds no message and renders nothing: the reply
     * is rendered once per TTL second and copied per hit, with the AD bit the client gets. Offered
     * only where the rendering cannot depend on the client beyond what the server's writer
     * completes in wire form (the ID, the header bits of the query, the OPT record's size and DO
     * bit): a question spelled in lower case (the rendering holds the first such client's, the
     * same bytes; other spellings go in as the client wrote them) and an OPT record without options
     * or none (the server echoes some options). The server's writer declines what it cannot
     * complete (a signed request, a reply longer than the client accepts). Nothing is rendered,
     * copied or located when the writer takes no wire reply at all ({@link ResponseWriter#takesWire}:
     * a writer in front of the cache that looks at replies parsed).
     *
     * @return true when the writer sent the reply; false when the caller must write {@link #toMsg}
     */
    boolean writeWire(ResponseWriter writer, Request request, long ttl, boolean dnssecOk, boolean adRequested) {
        if (request.mixedCase() || !writer.takesWire()) {
            return false;
        }
        OPTRecord clientOpt = request.opt();
        if (clientOpt != null && !clientOpt.getOptions().isEmpty()) {
            return false;
        }
        long t = clamp(ttl);
        WireForms w = wireForms;
        if (w == null || w.ttl() != t) {
            Message m = toMsg(request, t, false, false);
            byte[] plain = m.toWire();
            m.addRecord(new OPTRecord(Request.DEFAULT_UDP_SIZE, 0, 0, 0), Section.ADDITIONAL);
            w = new WireForms(t, plain, m.toWire());
            wireForms = w;
        }
        // A copy: the server's writer completes the header and OPT record in place.
        byte[] wire = (clientOpt == null ? w.plain() : w.withOpt()).clone();
        if (authenticatedData && (dnssecOk || adRequested)) {
            wire[3] |= AD_BIT;
        }
        WireMessage located = WireMessage.locate(wire, wire.length);
        return located != null && writer.writeWire(located);
    }

    private static long clamp(long ttl) {
        return Math.max(0, Math.min(ttl, 0xFFFFFFFFL));
    }
}
