package kdns.plugin.standard.tsig;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Replies;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * CoreDNS's tsig handler: an unsigned query that must be signed is REFUSED; a signed one in the
 * plugin's zones is checked against the key its TSIG names (NOTAUTH with BADKEY, BADSIG or BADTIME
 * when it fails) and goes on without its TSIG record, every reply to it signed by the server.
 */
final class TsigHandler implements Handler {

    private static final Log LOG = Log.forPlugin("tsig");

    private final Handler next;
    private final TsigPolicy policy;

    TsigHandler(Handler next, TsigPolicy policy) {
        this.next = next;
        this.policy = policy;
    }

    @Override
    public String name() {
        return "tsig";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        Message query = request.message();
        TSIGRecord tsig = query.getTSIG();
        if ((tsig == null && !policy.required(request.qtype(), query.getHeader().getOpcode()))
                || !policy.covers(request.name())) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        if (tsig == null) {
            LOG.debug("rejecting '" + Type.string(request.qtype()) + "' request without TSIG");
            writer.write(Replies.errorReply(query, Rcode.REFUSED));
            return Rcodes.NOERROR;
        }
        byte[] secret = policy.secrets().get(tsig.getName().toString().toLowerCase(Locale.ROOT));
        if (secret == null) {
            LOG.debug("TSIG validation failed: " + Type.string(request.qtype()) + " unknown key " + tsig.getName());
            Message refused = Replies.errorReply(query, Rcode.NOTAUTH);
            // No secret to sign with: the error goes back in a TSIG without a MAC (RFC 8945 5.3.2).
            refused.addRecord(new TSIGRecord(tsig.getName(), DClass.ANY, 0, tsig.getAlgorithm(), Instant.now(),
                    Duration.ofSeconds(300), new byte[0], query.getHeader().getID(), Rcode.BADKEY, null),
                    Section.ADDITIONAL);
            writer.write(refused);
            return Rcodes.NOERROR;
        }
        TSIG key;
        try {
            key = new TSIG(tsig.getAlgorithm(), tsig.getName(), secret);
        } catch (IllegalArgumentException e) {
            // an algorithm the JDK has no HMAC for
            return notAuth(request, writer, tsig, null, Rcode.BADKEY);
        }
        byte[] wire = request.wire();
        int status = wire == null ? Rcode.BADSIG : key.verify(query, wire, null);
        if (status != Rcode.NOERROR) {
            LOG.debug("TSIG validation failed: " + Type.string(request.qtype()) + " " + Rcode.TSIGstring(status));
            int error = status == Rcode.BADTIME || status == Rcode.BADKEY ? status : Rcode.BADSIG;
            return notAuth(request, writer, tsig, key, error);
        }
        request.signReplies(new Request.Signing(key, Rcode.NOERROR, tsig));
        return Handlers.nextOrFailure(name(), next, request.withMessage(withoutTsig(query)), writer);
    }

    private static int notAuth(Request request, ResponseWriter writer, TSIGRecord tsig, TSIG key, int error) {
        Message reply = Replies.errorReply(request, Rcode.NOTAUTH);
        if (key != null) {
            request.signReplies(new Request.Signing(key, error, tsig));
        } else {
            reply.addRecord(new TSIGRecord(tsig.getName(), DClass.ANY, 0, tsig.getAlgorithm(), Instant.now(),
                    Duration.ofSeconds(300), new byte[0], request.id(), error, null), Section.ADDITIONAL);
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }

    /** The query as the next plugins see it: without its TSIG record, as CoreDNS strips it. */
    private static Message withoutTsig(Message query) {
        Message copy = query.clone();
        for (Record r : copy.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.TSIG) {
                copy.removeRecord(r, Section.ADDITIONAL);
            }
        }
        return copy;
    }
}
