package kdns.plugin.standard.hosts;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.text.IpLiterals;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.api.Replies;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Answers A, AAAA and PTR questions from a {@link HostsFile} (CoreDNS's {@code Hosts.ServeDNS}). */
final class HostsHandler implements Handler {

    private final Handler next;
    private final HostsFile hosts;
    private final List<String> zones;
    private final Fallthrough fall;
    private final boolean fallthroughUnsupported;
    private final long ttl;

    HostsHandler(Handler next, HostsFile hosts, List<String> zones, Fallthrough fall, boolean fallthroughUnsupported,
                 long ttl) {
        this.next = next;
        this.hosts = hosts;
        this.zones = List.copyOf(zones);
        this.fall = fall;
        this.fallthroughUnsupported = fallthroughUnsupported;
        this.ttl = ttl;
    }

    HostsFile hosts() {
        return hosts;
    }

    @Override
    public String name() {
        return "hosts";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String qname = request.name();
        int qtype = request.qtype();
        // Reverse zones need not be listed: PTR questions are always looked up.
        if (qtype != Type.PTR && ZoneNames.longestMatch(zones, qname) == null) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        List<Record> answers = List.of();
        switch (qtype) {
            case Type.PTR -> {
                Name owner = request.qname().canonicalize();
                String address = addressOfReverse(qname);
                List<Name> names = address == null ? List.of() : hosts.names(address);
                if (names.isEmpty()) {
                    // Not ours whatever fallthrough says.
                    return Handlers.nextOrFailure(name(), next, request, writer);
                }
                answers = new ArrayList<>(names.size());
                for (Name n : names) {
                    answers.add(new PTRRecord(owner, DClass.IN, ttl, n));
                }
            }
            case Type.A -> answers = addresses(request, hosts.lookup(qname, true));
            case Type.AAAA -> answers = addresses(request, hosts.lookup(qname, false));
            default -> {
                if (fallthroughUnsupported && fall.through(qname)) {
                    return Handlers.nextOrFailure(name(), next, request, writer);
                }
            }
        }
        if (answers.isEmpty() && !exists(qname)) {
            if (fall.through(qname)) {
                return Handlers.nextOrFailure(name(), next, request, writer);
            }
            // NXDOMAIN needs an SOA a hosts file does not have: CoreDNS answers SERVFAIL.
            return Rcodes.SERVFAIL;
        }
        Message reply = Replies.replyTo(request);
        reply.getHeader().setFlag(Flags.AA);
        for (Record r : answers) {
            reply.addRecord(r, Section.ANSWER);
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }

    /** True when the name has an A or AAAA entry (then an empty answer is NODATA). */
    private boolean exists(String qname) {
        return !hosts.lookup(qname, true).isEmpty() || !hosts.lookup(qname, false).isEmpty();
    }

    /** The records of {@code ips}, owned by the question name in lower case (CoreDNS answers with state.Name()). */
    private List<Record> addresses(Request request, List<InetAddress> ips) {
        if (ips.isEmpty()) {
            return List.of();
        }
        Name owner = request.qname().canonicalize();
        List<Record> out = new ArrayList<>(ips.size());
        for (InetAddress ip : ips) {
            out.add(ip instanceof Inet4Address v4 ? new ARecord(owner, DClass.IN, ttl, v4)
                    : new AAAARecord(owner, DClass.IN, ttl, (Inet6Address) ip));
        }
        return out;
    }

    /**
     * The address (Go text form) a reverse name stands for, or null (CoreDNS's
     * {@code dnsutil.ExtractAddressFromReverse} followed by {@code net.ParseIP}): the labels before
     * {@code .in-addr.arpa.} reversed and joined with dots, or those before {@code .ip6.arpa.}
     * reversed and joined four nibbles to a group.
     */
    static String addressOfReverse(String name) {
        String v4 = ".in-addr.arpa.";
        String v6 = ".ip6.arpa.";
        String text;
        if (name.endsWith(v4)) {
            String[] labels = name.substring(0, name.length() - v4.length()).split("\\.", -1);
            StringBuilder sb = new StringBuilder();
            for (int i = labels.length - 1; i >= 0; i--) {
                sb.append(labels[i]);
                if (i > 0) {
                    sb.append('.');
                }
            }
            text = sb.toString();
            byte[] b = IpLiterals.parse(text);
            return b == null || text.indexOf(':') >= 0 ? null : IpLiterals.format(b);
        }
        if (name.endsWith(v6)) {
            String[] labels = name.substring(0, name.length() - v6.length()).split("\\.", -1);
            StringBuilder sb = new StringBuilder();
            int groups = labels.length / 4;
            for (int g = 0; g < groups; g++) {
                if (g > 0) {
                    sb.append(':');
                }
                for (int k = 0; k < 4; k++) {
                    sb.append(labels[labels.length - 1 - (g * 4 + k)]);
                }
            }
            text = sb.toString();
            byte[] b = IpLiterals.parse(text);
            return b == null ? null : IpLiterals.format(b);
        }
        return null;
    }
}
