package kdns.plugin.forward.proxy;

import java.util.List;
import kdns.api.Request;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Whether an upstream's reply answers the request it was sent for, as forward and grpc check it. */
public final class ReplyMatch {

    private ReplyMatch() {
    }

    /** CoreDNS's {@code request.Match}: one question, QR set, same name (any case) and type. */
    public static boolean matches(Request request, Message reply) {
        List<Record> q = reply.getSection(Section.QUESTION);
        if (q.size() != 1 || !reply.getHeader().getFlag(Flags.QR)) {
            return false;
        }
        return q.get(0).getType() == request.qtype()
                && q.get(0).getName().toString().equalsIgnoreCase(request.name());
    }
}
