package kdns.plugin.kubernetes.autopath;

import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.lookup.ReplyCapture;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * One query's walk down the client's search path: {@code base.s} for every element {@code s},
 * through the rest of the chain, until a reply that is not NXDOMAIN (CoreDNS's autopath
 * {@code ServeDNS} loop). A step that the chain answers later ({@link Handler#DEFERRED}: a cache
 * miss in front of {@code forward}) resumes the walk on the thread that writes that reply
 * ({@link ReplyCapture}), so no reader thread ever waits; from then on the walk writes its outcome
 * itself.
 */
final class SearchWalk {

    private static final Log LOG = Log.forPlugin(AutopathHandler.NAME);

    private final Handler next;
    private final Request request;
    private final ResponseWriter out;
    private final Name base;
    private final List<String> search;
    private final Runnable onSuccess;
    private Message firstReply;
    private int firstRcode = Rcodes.SERVFAIL;
    /** True once a step was answered later: the walk then writes every outcome to {@link #out}. */
    private volatile boolean deferred;

    /**
     * @param base   the query name without the first search element, as the client spelled it
     * @param search the search path, fully qualified, ending with {@code ""}
     */
    SearchWalk(Handler next, Request request, ResponseWriter out, Name base, List<String> search,
               Runnable onSuccess) {
        this.next = next;
        this.request = request;
        this.out = out;
        this.base = base;
        this.search = search;
        this.onSuccess = onSuccess;
    }

    /** Walks from the first element; the handler protocol's rcode, or DEFERRED. */
    int start() throws HandlerException {
        return walk(0);
    }

    private int walk(int from) throws HandlerException {
        for (int i = from; i < search.size(); i++) {
            Name candidate = candidate(search.get(i));
            if (candidate == null) {
                continue;
            }
            int index = i;
            ReplyCapture step = new ReplyCapture(out, out::reportError, reply -> resume(index, reply));
            int rc;
            try {
                rc = Handlers.nextOrFailure(AutopathHandler.NAME, next,
                        request.withQuestion(candidate, request.qtype()), step);
            } catch (HandlerException e) {
                // CoreDNS returns a plugin's error at once, without trying the rest of the path.
                if (!deferred) {
                    throw e;
                }
                out.reportError(e);
                out.write(errorReply(e.rcode()));
                return Handler.DEFERRED;
            }
            Message reply = step.settle(rc == Handler.DEFERRED);
            if (reply == ReplyCapture.PENDING) {
                return Handler.DEFERRED;
            }
            if (rc == Handler.DEFERRED) {
                rc = Rcodes.NOERROR; // answered before the chain returned
            }
            if (accept(i, rc, reply)) {
                return rc;
            }
        }
        return finishWithFirst();
    }

    /** Records step {@code i}'s outcome; true when it ended the walk (its reply was written). */
    private boolean accept(int i, int rc, Message reply) {
        boolean wrote = Rcodes.clientWrote(rc) && reply != null;
        if (i == 0) {
            firstReply = wrote ? reply : null;
            firstRcode = rc;
        }
        if (!wrote || reply.getRcode() == Rcode.NXDOMAIN) {
            return false;
        }
        Message answer = withCname(reply);
        // Counted before the write, so that whoever sees the reply sees the count (CoreDNS counts
        // every walk that found an answer, the first element's included).
        onSuccess.run();
        out.write(answer);
        return true;
    }

    /** Every step failed or was NXDOMAIN: the first step's reply goes out unchanged. */
    private int finishWithFirst() {
        if (firstReply != null) {
            out.write(firstReply);
            return firstRcode;
        }
        if (deferred) {
            out.write(errorReply(firstRcode));
            return Handler.DEFERRED;
        }
        return firstRcode;
    }

    /** Step {@code i} was answered on another thread: go on from there. */
    private void resume(int i, Message reply) {
        deferred = true;
        try {
            if (!accept(i, Rcodes.NOERROR, reply)) {
                walk(i + 1);
            }
        } catch (HandlerException e) {
            out.reportError(e);
            out.write(errorReply(e.rcode()));
        } catch (RuntimeException e) {
            LOG.error("autopath walk of " + request.name() + " failed: " + e);
            out.write(errorReply(Rcodes.SERVFAIL));
        }
    }

    /** {@code base.element}, or null when that name would be longer than 255 octets. */
    private Name candidate(String element) {
        try {
            Name suffix = element.isEmpty() ? Name.root : Name.fromString(element);
            return Name.concatenate(base, suffix);
        } catch (NameTooLongException | TextParseException e) {
            return null;
        }
    }

    /**
     * The reply with the client's own question and, when its first answer is owned by another name,
     * {@code CNAME qname -> that owner} in front with that record's TTL (CoreDNS's cnamer).
     */
    private Message withCname(Message reply) {
        Message m = reply.clone();
        Name qname = request.qname();
        List<Record> answer = m.getSection(Section.ANSWER);
        for (Record r : answer) {
            if (r.getName().equals(qname)) {
                continue;
            }
            m.removeAllRecords(Section.ANSWER);
            m.addRecord(new CNAMERecord(qname, r.getDClass(), r.getTTL(), r.getName()), Section.ANSWER);
            for (Record a : answer) {
                m.addRecord(a, Section.ANSWER);
            }
            break;
        }
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(request.question(), Section.QUESTION);
        return m;
    }

    private Message errorReply(int rcode) {
        Message m = new Message(request.id());
        m.getHeader().setFlag(Flags.QR);
        if (request.flag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
        }
        m.getHeader().setRcode(rcode);
        m.addRecord(request.question(), Section.QUESTION);
        return m;
    }
}
