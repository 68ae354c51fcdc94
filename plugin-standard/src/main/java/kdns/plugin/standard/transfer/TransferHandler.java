package kdns.plugin.standard.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers AXFR and IXFR queries from the {@link Transferer}s of its server block; every other query
 * passes on. Transfers go over TCP only, to the hosts of the stanza whose zone is the longest match,
 * in messages of at most {@link #MESSAGE_BYTES} bytes of records. The zone is listed by the
 * transferer in memory, so nothing here blocks.
 */
final class TransferHandler implements Handler {

    static final String NAME = "transfer";
    /** Upper bound of the uncompressed record bytes in one message, well inside 64 KiB. */
    static final int MESSAGE_BYTES = 16_000;

    private final Handler next;
    private final List<TransferPlugin.Stanza> stanzas;
    private final Supplier<List<Transferer>> transferers;

    TransferHandler(Handler next, List<TransferPlugin.Stanza> stanzas, Supplier<List<Transferer>> transferers) {
        this.next = next;
        this.stanzas = stanzas;
        this.transferers = transferers;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        int qtype = request.qtype();
        if (qtype != Type.AXFR && qtype != Type.IXFR) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        TransferPlugin.Stanza stanza = longestMatch(request.name());
        if (stanza == null) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        if (!request.transport().stream() || !stanza.allows(request.ip())) {
            return Rcodes.REFUSED;
        }
        long serial = -1;
        if (qtype == Type.IXFR) {
            Record[] ns = request.message().getSectionArray(Section.AUTHORITY);
            if (ns.length != 1 || !(ns[0] instanceof SOARecord soa)) {
                return Rcodes.SERVFAIL;
            }
            serial = soa.getSerial();
        }
        List<Record> records = null;
        for (Transferer t : transferers.get()) {
            records = t.transfer(request.name(), serial);
            if (records != null) {
                break;
            }
        }
        if (records == null || records.isEmpty()) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        writer.writeStream(messages(request, records));
        return Rcodes.NOERROR;
    }

    private TransferPlugin.Stanza longestMatch(String name) {
        TransferPlugin.Stanza best = null;
        int bestLength = -1;
        for (TransferPlugin.Stanza s : stanzas) {
            String z = ZoneNames.longestMatch(s.zones(), name);
            if (z != null && z.length() > bestLength) {
                best = s;
                bestLength = z.length();
            }
        }
        return best;
    }

    /** The records in order, cut into messages of at most {@link #MESSAGE_BYTES} bytes of records. */
    static List<Message> messages(Request request, List<Record> records) {
        List<Message> out = new ArrayList<>();
        Message current = null;
        int bytes = 0;
        for (Record r : records) {
            int size = r.toWire(Section.ANSWER).length;
            if (current == null || bytes + size > MESSAGE_BYTES) {
                current = new Message(request.id());
                current.getHeader().setFlag(Flags.QR);
                current.getHeader().setFlag(Flags.AA);
                current.addRecord(request.question(), Section.QUESTION);
                out.add(current);
                bytes = 0;
            }
            current.addRecord(r, Section.ANSWER);
            bytes += size;
        }
        return out;
    }
}
