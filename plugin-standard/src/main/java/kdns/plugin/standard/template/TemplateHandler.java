package kdns.plugin.standard.template;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.ServerLabels;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.ZoneNames;
import kdns.api.Replies;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The templates of one server block, tried in order (CoreDNS's template {@code ServeDNS}): a name
 * outside every template's zones goes to the next plugin; the first template that matches answers;
 * one that does not match and does not fall through makes the query SERVFAIL. CNAME answers to A and
 * AAAA questions are followed through the whole server. Thread-safe: the rules are immutable.
 */
final class TemplateHandler implements Handler {

    /** The TTL of a templated record that names none (miekg/dns's {@code NewRR} default). */
    static final long DEFAULT_TTL = 3600;

    private final Handler next;
    private final List<TemplateRule> rules;
    private final List<String> zones;
    private final TemplateMetrics metrics;
    private final UpstreamLookup upstream;
    private final List<String> listenHosts;
    private final int port;

    TemplateHandler(Handler next, List<TemplateRule> rules, TemplateMetrics metrics, UpstreamLookup upstream,
                    List<String> listenHosts, int port) {
        this.next = next;
        this.rules = List.copyOf(rules);
        List<String> all = new ArrayList<>();
        rules.forEach(r -> all.addAll(r.zones()));
        this.zones = List.copyOf(all);
        this.metrics = metrics;
        this.upstream = upstream;
        this.listenHosts = List.copyOf(listenHosts);
        this.port = port;
    }

    @Override
    public String name() {
        return "template";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (ZoneNames.longestMatch(zones, request.name()) == null) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        for (TemplateRule rule : rules) {
            TemplateRule.Match match = rule.match(request);
            if (match instanceof TemplateRule.Fail) {
                return Rcodes.SERVFAIL;
            }
            if (match instanceof TemplateRule.Matched m) {
                return answer(rule, m.data(), request, writer);
            }
        }
        return Handlers.nextOrFailure(name(), next, request, writer);
    }

    private int answer(TemplateRule rule, TemplateData data, Request request, ResponseWriter writer)
            throws HandlerException {
        String server = ServerLabels.forRequest(request, listenHosts, port);
        metrics.matches.labelValues(server, data.zone(), request.view(), data.qclass(), data.qtype()).inc();
        if (rule.rcode() == Rcodes.SERVFAIL) {
            return Rcodes.SERVFAIL;
        }
        Message reply = Replies.replyTo(request);
        reply.getHeader().setFlag(Flags.AA);
        reply.getHeader().setRcode(rule.rcode());
        List<UpstreamLookup.Lookup> lookups = new ArrayList<>();
        boolean follow = request.qtype() == Type.A || request.qtype() == Type.AAAA;
        for (GoTemplate t : rule.answer()) {
            Record rr = render(t, "answer", data, server, request.view());
            reply.addRecord(rr, Section.ANSWER);
            if (follow && rr instanceof CNAMERecord cname) {
                lookups.add(new UpstreamLookup.Lookup(cname.getTarget(), request.qtype(), Section.ANSWER));
            }
        }
        for (GoTemplate t : rule.additional()) {
            reply.addRecord(render(t, "additional", data, server, request.view()), Section.ADDITIONAL);
        }
        for (GoTemplate t : rule.authority()) {
            reply.addRecord(render(t, "authority", data, server, request.view()), Section.AUTHORITY);
        }
        if (rule.ederror() >= 0) {
            List<EDNSOption> options = List.of(new ExtendedErrorCodeOption(rule.ederror(), rule.ederrorText()));
            reply.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO, options), Section.ADDITIONAL);
        }
        // The reply is written: an rcode the server would answer itself must not make it write a second one.
        int written = Rcodes.clientWrote(rule.rcode()) ? rule.rcode() : Rcodes.NOERROR;
        if (lookups.isEmpty()) {
            writer.write(reply);
            return written;
        }
        int rc = upstream.complete(request, reply, lookups, writer);
        return rc == DEFERRED ? DEFERRED : written;
    }

    /** One templated record; a template or record-syntax failure is counted and makes the query SERVFAIL. */
    private Record render(GoTemplate t, String section, TemplateData data, String server, String view)
            throws HandlerException {
        String text;
        try {
            text = t.execute(data);
        } catch (GoTemplate.TemplateException e) {
            metrics.templateFailures.labelValues(server, data.zone(), view, data.qclass(), data.qtype(), section,
                    t.source()).inc();
            throw new HandlerException(Rcodes.SERVFAIL, "template: " + section + " \"" + t.source() + "\": "
                    + e.getMessage());
        }
        try {
            return parseRecord(text);
        } catch (IOException | RuntimeException e) {
            metrics.rrFailures.labelValues(server, data.zone(), view, data.qclass(), data.qtype(), section,
                    t.source()).inc();
            throw new HandlerException(Rcodes.SERVFAIL, "template: " + section + " \"" + text + "\" is not a record: "
                    + e.getMessage());
        }
    }

    /** miekg/dns's {@code NewRR}: one record in zone-file syntax, names relative to the root, TTL 3600, class IN. */
    static Record parseRecord(String text) throws IOException {
        try (Master m = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root,
                DEFAULT_TTL)) {
            m.disableIncludes(); // a template's output must not read files
            Record r = m.nextRecord();
            if (r == null) {
                throw new IOException("no record");
            }
            return r;
        }
    }
}
