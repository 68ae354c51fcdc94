package kdns.plugin.standard.acl;

import java.net.InetAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.ServerLabels;
import kdns.api.zones.ZoneNames;
import kdns.api.Replies;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * CoreDNS's acl {@code ServeDNS}: rules in order, skipping those whose zones do not cover the name;
 * block answers REFUSED and filter an empty NOERROR, both with an Extended DNS Error (15 Blocked,
 * 17 Filtered); drop answers nothing; allow, or no match, goes to the next plugin.
 */
final class AclHandler implements Handler {

    private static final Log LOG = Log.forPlugin("acl");

    private final Handler next;
    private final List<AclRule> rules;
    private final AclMetrics metrics;
    private final List<String> hosts;
    private final int port;

    AclHandler(Handler next, List<AclRule> rules, AclMetrics metrics, List<String> hosts, int port) {
        this.next = next;
        this.rules = List.copyOf(rules);
        this.metrics = metrics;
        this.hosts = List.copyOf(hosts);
        this.port = port;
    }

    @Override
    public String name() {
        return "acl";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String server = ServerLabels.forRequest(request, hosts, port);
        InetAddress address = request.remoteAddress().getAddress();
        byte[] client = address == null ? null : address.getAddress();
        for (AclRule rule : rules) {
            String zone = ZoneNames.longestMatch(rule.zones(), request.name());
            if (zone == null) {
                continue;
            }
            AclRule.Action action;
            if (client == null) {
                LOG.error("Blocking request. Unable to parse source address: " + request.remoteAddress());
                action = AclRule.Action.BLOCK;
            } else {
                action = rule.decide(request.qtype(), client);
            }
            switch (action) {
                case DROP -> {
                    metrics.dropped.labelValues(server, zone, request.view()).inc();
                    return Rcodes.NOERROR; // nothing is written: the client gets no reply
                }
                case BLOCK -> {
                    writer.write(withEde(Replies.errorReply(request, Rcode.REFUSED),
                            ExtendedErrorCodeOption.BLOCKED));
                    metrics.blocked.labelValues(server, zone, request.view()).inc();
                    return Rcodes.NOERROR;
                }
                case FILTER -> {
                    writer.write(withEde(Replies.replyTo(request), ExtendedErrorCodeOption.FILTERED));
                    metrics.filtered.labelValues(server, zone, request.view()).inc();
                    return Rcodes.NOERROR;
                }
                case ALLOW -> {
                    metrics.allowed.labelValues(server, request.view()).inc();
                    return Handlers.nextOrFailure(name(), next, request, writer);
                }
                default -> {
                    // no policy matched: the next rule
                }
            }
        }
        metrics.allowed.labelValues(server, request.view()).inc();
        return Handlers.nextOrFailure(name(), next, request, writer);
    }

    private static Message withEde(Message m, int code) {
        m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO, List.of(new ExtendedErrorCodeOption(code))),
                Section.ADDITIONAL);
        return m;
    }
}
