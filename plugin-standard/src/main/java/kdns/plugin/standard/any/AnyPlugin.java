package kdns.plugin.standard.any;

import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.DClass;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code any}: answers ANY queries with one short HINFO record, as RFC 8482 allows, instead of
 * every record of the name (a favourite of amplification attacks). Other queries pass on.
 */
public final class AnyPlugin implements Plugin {

    /** The TTL CoreDNS gives the HINFO record. */
    static final long TTL = 8482;

    @Override
    public String name() {
        return "any";
    }

    @Override
    public String description() {
        return "gives a minimal HINFO answer to ANY queries (RFC 8482)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        while (c.next()) {
            if (c.nextArg()) {
                throw c.argErr();
            }
        }
        c.addHandler(AnyHandler::new);
    }

    /** Stateless apart from its next handler, so shared by every query. */
    static final class AnyHandler implements Handler {

        private final Handler next;

        AnyHandler(Handler next) {
            this.next = next;
        }

        @Override
        public String name() {
            return "any";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            if (request.qtype() != Type.ANY) {
                return Handlers.nextOrFailure(name(), next, request, writer);
            }
            Message reply = new Message(request.id());
            reply.addRecord(request.question(), Section.QUESTION);
            reply.addRecord(new HINFORecord(request.qname(), DClass.IN, TTL, "ANY obsoleted", "See RFC 8482"),
                    Section.ANSWER);
            writer.write(reply);
            return Rcodes.NOERROR;
        }
    }
}
