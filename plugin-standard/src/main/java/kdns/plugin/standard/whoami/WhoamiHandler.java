package kdns.plugin.standard.whoami;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Replies;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;

/**
 * Answers any query with an empty answer section and, in the additional section, the client's
 * address as an A or AAAA record and its port as an SRV record under {@code _udp.} or
 * {@code _tcp.} — all with the question's name as the client wrote it, the question's class and
 * TTL 0, in an authoritative reply. It never calls the next plugin. Stateless and thread-safe.
 */
final class WhoamiHandler implements Handler {

    static final WhoamiHandler INSTANCE = new WhoamiHandler();

    private static final Name UDP = Name.fromConstantString("_udp");
    private static final Name TCP = Name.fromConstantString("_tcp");

    private WhoamiHandler() {
    }

    @Override
    public String name() {
        return "whoami";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) {
        Message reply = Replies.replyTo(request);
        reply.getHeader().setFlag(Flags.AA);
        Name qname = request.qname();
        int dclass = request.qclass();
        InetSocketAddress remote = writer.remoteAddress();
        InetAddress ip = remote.getAddress();
        if (ip instanceof Inet4Address v4) {
            reply.addRecord(new ARecord(qname, dclass, 0, v4), Section.ADDITIONAL);
        } else if (ip instanceof Inet6Address v6) {
            reply.addRecord(new AAAARecord(qname, dclass, 0, v6), Section.ADDITIONAL);
        }
        try {
            Name srvName = Name.concatenate(request.transport().stream() ? TCP : UDP, qname);
            reply.addRecord(new SRVRecord(srvName, dclass, 0, 0, 0, remote.getPort(), Name.root),
                    Section.ADDITIONAL);
        } catch (NameTooLongException e) {
            // A question name within 5 octets of the limit leaves no room for "_udp."; the address
            // record alone is still a useful answer.
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }
}
