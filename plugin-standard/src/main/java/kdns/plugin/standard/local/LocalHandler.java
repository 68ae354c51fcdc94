package kdns.plugin.standard.local;

import io.prometheus.metrics.core.metrics.Counter;
import java.net.InetAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ZoneNames;
import kdns.api.Replies;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's local {@code ServeDNS}: the answers are fixed, owners spelled as the client asked. */
final class LocalHandler implements Handler {

    static final long TTL = 604800;
    private static final List<String> ZONES = List.of("localhost.", "0.in-addr.arpa.", "127.in-addr.arpa.",
            "255.in-addr.arpa.");
    private static final Name LOCALHOST = Name.fromConstantString("localhost.");
    private static final Name ROOT_LOCALHOST = Name.fromConstantString("root.localhost.");
    private static final byte[] V4 = {127, 0, 0, 1};
    private static final byte[] V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private final Handler next;
    private final boolean localhostPrefix;
    private final Counter localhostRequests;

    LocalHandler(Handler next, boolean localhostPrefix, Counter localhostRequests) {
        this.next = next;
        this.localhostPrefix = localhostPrefix;
        this.localhostRequests = localhostRequests;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String name = request.name();
        int lc = "localhost.".length();
        boolean below = name.length() > lc && name.endsWith(".localhost.");
        boolean prefixed = name.length() > lc && localhostPrefix && name.startsWith("localhost.");
        boolean localhostName = below || prefixed;
        String zone = localhostName ? null : ZoneNames.longestMatch(ZONES, name);
        if (zone == null && !localhostName) {
            // Most queries pass: nothing is made for them (no reply, no question record parsed).
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        Name qname = request.qname();
        Message m = Replies.replyTo(request);
        if (localhostName) {
            localhostRequests.inc();
            switch (request.qtype()) {
                case Type.A -> m.addRecord(address(qname, V4), Section.ANSWER);
                case Type.AAAA -> m.addRecord(address(qname, V6), Section.ANSWER);
                default -> m.addRecord(soa(qname), Section.AUTHORITY);
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }
        Name zoneSpelled = suffix(qname, zone);
        int qtype = request.qtype();
        if (ZONES.contains(name)) {
            boolean localhost = name.equals("localhost.");
            switch (qtype) {
                case Type.A -> add(m, localhost ? address(qname, V4) : soa(qname), localhost);
                case Type.AAAA -> add(m, localhost ? address(qname, V6) : soa(qname), localhost);
                case Type.SOA -> m.addRecord(soa(qname), Section.ANSWER);
                case Type.NS -> m.addRecord(new NSRecord(qname, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
                default -> m.addRecord(soa(qname), Section.AUTHORITY);
            }
        } else if (name.equals("1.0.0.127.in-addr.arpa.")) {
            if (qtype == Type.PTR) {
                m.addRecord(new PTRRecord(qname, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
            } else {
                m.addRecord(soa(zoneSpelled), Section.AUTHORITY);
            }
        }
        if (m.getSection(Section.ANSWER).isEmpty() && m.getSection(Section.AUTHORITY).isEmpty()) {
            m.addRecord(soa(zoneSpelled), Section.AUTHORITY);
            m.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        writer.write(m);
        return Rcodes.NOERROR;
    }

    private static void add(Message m, Record rr, boolean answer) {
        m.addRecord(rr, answer ? Section.ANSWER : Section.AUTHORITY);
    }

    private static Record address(Name owner, byte[] ip) {
        InetAddress a = IpLiterals.address(ip);
        return ip.length == 4 ? new ARecord(owner, DClass.IN, TTL, a) : new AAAARecord(owner, DClass.IN, TTL, a);
    }

    private static SOARecord soa(Name origin) {
        return new SOARecord(origin, DClass.IN, TTL, LOCALHOST, ROOT_LOCALHOST, 1, 0, 0, 0, TTL);
    }

    /** The last labels of {@code qname} that make up {@code zone}, in the client's spelling. */
    private static Name suffix(Name qname, String zone) {
        int labels = Name.fromConstantString(zone).labels();
        return new Name(qname, qname.labels() - labels);
    }
}
