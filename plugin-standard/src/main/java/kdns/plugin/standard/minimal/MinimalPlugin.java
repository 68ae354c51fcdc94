package kdns.plugin.standard.minimal;

import java.util.List;
import kdns.api.Controller;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code minimal}: a positive answer that is not a referral is written with its header, question
 * and answer only; the authority and additional sections (OPT included: the server adds the client's
 * back) are dropped. NXDOMAIN, NODATA, errors and referrals pass unchanged.
 */
public final class MinimalPlugin implements Plugin {

    @Override
    public String name() {
        return "minimal";
    }

    @Override
    public String description() {
        return "drops the authority and additional sections of positive answers";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        while (c.next()) {
            if (c.nextArg()) {
                throw c.argErr();
            }
        }
        c.addHandler(MinimalHandler::new);
    }

    /** CoreDNS's {@code response.Typify} says NoError: NOERROR with answers, or without SOA, NS or answers. */
    static boolean positive(Message m) {
        if (m.getRcode() != Rcode.NOERROR) {
            return false;
        }
        Record q = m.getQuestion();
        if (q != null && (q.getType() == Type.AXFR || q.getType() == Type.IXFR)) {
            return false;
        }
        if (!m.getSection(Section.ANSWER).isEmpty()) {
            return true;
        }
        List<Record> ns = m.getSection(Section.AUTHORITY);
        return ns.stream().noneMatch(r -> r.getType() == Type.SOA || r.getType() == Type.NS);
    }

    static final class MinimalHandler implements Handler {
        private final Handler next;

        MinimalHandler(Handler next) {
            this.next = next;
        }

        @Override
        public String name() {
            return "minimal";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            return Handlers.nextOrFailure(name(), next, request, new ForwardingResponseWriter(writer) {
                @Override
                public void write(Message reply) {
                    if (!positive(reply)) {
                        delegate.write(reply);
                        return;
                    }
                    Message m = reply.clone();
                    m.removeAllRecords(Section.AUTHORITY);
                    m.removeAllRecords(Section.ADDITIONAL);
                    delegate.write(m);
                }
            });
        }
    }
}
