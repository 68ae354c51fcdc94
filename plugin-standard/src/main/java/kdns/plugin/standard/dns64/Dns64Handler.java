package kdns.plugin.standard.dns64;

import io.prometheus.metrics.core.metrics.Counter;
import java.net.Inet6Address;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.ServerLabels;
import kdns.api.lookup.ReplyCapture;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.text.IpLiterals;
import kdns.api.Replies;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's dns64 {@code ServeDNS}: an IN AAAA question (from an IPv6 client unless
 * {@code allow_ipv4}) is answered by the next plugin first; unless that reply is NXDOMAIN or already
 * holds AAAA records ({@code translate_all} ignores them), the name's A records are looked up
 * through the server and returned as AAAA records in the prefix. Both steps may answer later
 * (forward): no reader thread waits.
 */
final class Dns64Handler implements Handler {

    /** The TTL cap when the first reply has no SOA. */
    private static final long DEFAULT_SOA_TTL = 600;

    record Options(Dns64Plugin.Prefix prefix, boolean translateAll, boolean allowIpv4) {
    }

    private final Handler next;
    private final Options options;
    private final UpstreamLookup upstream;
    private final Counter translated;
    private final List<String> hosts;
    private final int port;

    Dns64Handler(Handler next, Options options, UpstreamLookup upstream, Counter translated, List<String> hosts,
                 int port) {
        this.next = next;
        this.options = options;
        this.upstream = upstream;
        this.translated = translated;
        this.hosts = List.copyOf(hosts);
        this.port = port;
    }

    @Override
    public String name() {
        return "dns64";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        boolean ipv6Client = request.remoteAddress().getAddress() instanceof Inet6Address;
        if ((!options.allowIpv4() && !ipv6Client) || request.qtype() != Type.AAAA || request.qclass() != DClass.IN) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        ReplyCapture first = new ReplyCapture(writer, writer::reportError, later -> afterNext(request, writer, later));
        int rc = Handlers.nextOrFailure(name(), next, request, first);
        Message reply = first.settle(rc == DEFERRED);
        if (reply == ReplyCapture.PENDING) {
            return DEFERRED;
        }
        if (reply == null) {
            return rc; // nothing written: the server answers the error
        }
        return afterNext(request, writer, reply);
    }

    /** The next plugin's reply is in: pass it on, or translate. */
    private int afterNext(Request request, ResponseWriter writer, Message original) {
        if (!shouldTranslate(original)) {
            writer.write(original);
            return Rcodes.NOERROR;
        }
        Message a = upstream.lookup(request.withQuestion(request.qname(), Type.A), writer,
                later -> finish(request, writer, original, later));
        if (a == ReplyCapture.PENDING) {
            return DEFERRED;
        }
        return finish(request, writer, original, a);
    }

    private int finish(Request request, ResponseWriter writer, Message original, Message a) {
        if (a == null) {
            writer.write(Replies.errorReply(request, Rcode.SERVFAIL));
            return Rcodes.NOERROR;
        }
        translated.labelValues(ServerLabels.forRequest(request, hosts, port)).inc();
        writer.write(synthesize(request.message(), original, a));
        return Rcodes.NOERROR;
    }

    /** CoreDNS's responseShouldDNS64: not for NXDOMAIN; not when AAAA records came back (unless translate_all). */
    private boolean shouldTranslate(Message original) {
        if (original.getRcode() == Rcode.NXDOMAIN && original.getSection(Section.ANSWER).isEmpty()) {
            return false;
        }
        if (options.translateAll()) {
            return true;
        }
        return original.getSection(Section.ANSWER).stream().noneMatch(r -> r.getType() == Type.AAAA);
    }

    /** CoreDNS's Synthesize: the A reply's sections, A records turned into AAAA, TTL capped by the first reply's SOA. */
    Message synthesize(Message query, Message original, Message a) {
        Message m = Replies.replyTo(query);
        if (a.getHeader().getFlag(Flags.TC)) {
            m.getHeader().setFlag(Flags.TC);
        }
        long soaTtl = DEFAULT_SOA_TTL;
        for (Record r : original.getSection(Section.AUTHORITY)) {
            if (r.getType() == Type.SOA) {
                soaTtl = r.getTTL();
            }
        }
        for (Record r : a.getSection(Section.ANSWER)) {
            m.addRecord(r instanceof ARecord ar ? aaaa(ar, soaTtl) : r, Section.ANSWER);
        }
        for (Record r : a.getSection(Section.AUTHORITY)) {
            m.addRecord(r, Section.AUTHORITY);
        }
        for (Record r : a.getSection(Section.ADDITIONAL)) {
            if (r.getType() != Type.OPT) {
                m.addRecord(r, Section.ADDITIONAL);
            }
        }
        return m;
    }

    private Record aaaa(ARecord a, long soaTtl) {
        byte[] v4 = a.getAddress().getAddress();
        byte[] v6 = new byte[16];
        int bits = options.prefix().bits();
        int i = 0;
        int j = 0;
        for (; i < bits / 8; i++) {
            v6[i] = options.prefix().address()[i];
        }
        for (; i < 8; i++, j++) {
            v6[i] = v4[j];
        }
        if (i == 8) {
            i++; // RFC 6052: bits 64 to 71 stay zero
        }
        for (; j < 4; i++, j++) {
            v6[i] = v4[j];
        }
        return new AAAARecord(a.getName(), a.getDClass(), Math.min(a.getTTL(), soaTtl), IpLiterals.address(v6));
    }
}
