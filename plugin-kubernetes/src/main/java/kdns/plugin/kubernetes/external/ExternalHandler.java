package kdns.plugin.kubernetes.external;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.text.IpLiterals;
import kdns.api.zones.SyntheticSoa;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesHandler;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.external.ExternalRecords.Found;
import kdns.plugin.kubernetes.external.ExternalRecords.Item;
import kdns.plugin.kubernetes.spi.SrvAnswer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The k8s_external handler (CoreDNS's external.go, apex.go and msg_to_dns.go): names without the
 * {@code svc} label in its own zones, answered from the kubernetes plugin of the same server block
 * (its index, configuration and TTL), the apex SOA/NS and {@code ns1.<apex>.<zone>}. Load-balancer
 * host names become a CNAME whose target is looked up through the whole server
 * ({@link UpstreamLookup}). Thread-safe and non-blocking.
 *
 * <p>Names keep the client's spelling: owners are the query name, SRV targets, the SOA and the NS
 * use the zone as the client wrote it.
 */
final class ExternalHandler implements Handler {

    static final String NAME = "k8s_external";

    private final ExternalConfig config;
    private final Handler next;
    private final Supplier<KubernetesHandler> kubernetes;
    private final UpstreamLookup lookups;

    /**
     * @param kubernetes the kubernetes handler of the block (found at start-up), or null before
     * @param lookups    lookups of load-balancer host names through the whole server
     */
    ExternalHandler(ExternalConfig config, Handler next, Supplier<KubernetesHandler> kubernetes,
                    UpstreamLookup lookups) {
        this.config = config;
        this.next = next;
        this.kubernetes = kubernetes;
        this.lookups = lookups;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The query as this handler sees it. */
    private record Query(Request request, String name, Name qname, String zone, String zoneSpelled) {
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String name = request.name();
        String zone = ZoneNames.longestMatch(config.zones(), name);
        KubernetesHandler k8s = zone == null ? null : kubernetes.get();
        if (k8s == null) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        Answerer answerer = k8s.answerer();
        Query q = new Query(request, name, request.qname(), zone, spelled(request, zone));
        for (String z : config.zones()) {
            if (name.equals(z)) {
                return write(writer, apex(q, answerer));
            }
            if (ZoneNames.isSubdomain(ExternalRecords.join(config.apexLower(), z), name)) {
                return write(writer, subApex(q, answerer));
            }
        }
        int qtype = request.qtype();
        Found found = ExternalRecords.find(answerer, name, zone, qtype, config.headless());
        if (found.items().isEmpty()) {
            int rcode = found.rcode();
            if (rcode == Rcodes.NXDOMAIN && config.fallthrough().through(name)) {
                return Handlers.nextOrFailure(NAME, next, request, writer);
            }
            if (rcode == Rcodes.NXDOMAIN && !k8s.ready()) {
                rcode = Rcodes.SERVFAIL; // as kubernetes: no NXDOMAIN before the informers synced
            }
            return write(writer, negative(q, answerer, rcode));
        }
        Message m = Answerer.reply(request, Rcodes.NOERROR);
        List<UpstreamLookup.Lookup> pending = new ArrayList<>();
        long k8sTtl = answerer.config().ttl();
        switch (qtype) {
            case Type.A, Type.AAAA -> address(q, found.items(), qtype, k8sTtl, m, pending);
            case Type.SRV -> srv(q, found.items(), k8sTtl, m, pending);
            case Type.PTR -> ptr(q, found.items(), m);
            default -> {
                // other types: NODATA
            }
        }
        if (m.getSection(Section.ANSWER).isEmpty()) {
            return write(writer, negative(q, answerer, Rcodes.NOERROR));
        }
        if (pending.isEmpty()) {
            return write(writer, m);
        }
        return lookups.complete(request, m, pending, writer);
    }

    private static int write(ResponseWriter writer, Message m) {
        writer.write(m);
        return Rcodes.NOERROR;
    }

    // ---- answers (msg_to_dns.go) ------------------------------------------------------------------

    private void address(Query q, List<Item> items, int qtype, long k8sTtl, Message m,
                         List<UpstreamLookup.Lookup> pending) {
        Set<String> dup = new HashSet<>();
        Set<String> cnames = new HashSet<>();
        for (Item i : items) {
            byte[] ip = IpLiterals.parseUnmapped(i.host());
            if (ip == null) {
                Name target = nameOf(i.host());
                if (target != null && cnames.add(target.toString().toLowerCase(Locale.ROOT))) {
                    m.addRecord(new CNAMERecord(q.qname(), DClass.IN, k8sTtl, target), Section.ANSWER);
                    pending.add(new UpstreamLookup.Lookup(target, qtype, Section.ANSWER));
                }
                continue;
            }
            if ((ip.length == 4) == (qtype == Type.A) && dup.add(i.host())) {
                m.addRecord(addressRecord(q.qname(), ip, config.ttl()), Section.ANSWER);
            }
        }
    }

    private void srv(Query q, List<Item> items, long k8sTtl, Message m, List<UpstreamLookup.Lookup> pending) {
        int weight = SrvAnswer.weight(items.size());
        SrvAnswer srv = new SrvAnswer();
        for (Item i : items) {
            if (i.port() == -1) {
                continue;
            }
            byte[] ip = IpLiterals.parseUnmapped(i.host());
            Name target = ip == null ? nameOf(i.host()) : nameOf(ExternalRecords.join(i.key(), q.zoneSpelled()));
            if (target == null) {
                continue;
            }
            String t = target.toString();
            if (srv.firstRecord(t, i.port())) {
                m.addRecord(new SRVRecord(q.qname(), DClass.IN, k8sTtl, 0, weight, i.port(), target), Section.ANSWER);
            }
            if (!srv.firstGlue(t, i.host())) {
                continue;
            }
            if (ip == null) {
                pending.add(new UpstreamLookup.Lookup(target, Type.A, Section.ADDITIONAL));
                pending.add(new UpstreamLookup.Lookup(target, Type.AAAA, Section.ADDITIONAL));
            } else {
                m.addRecord(addressRecord(target, ip, config.ttl()), Section.ADDITIONAL);
            }
        }
    }

    private void ptr(Query q, List<Item> items, Message m) {
        Set<String> dup = new HashSet<>();
        for (Item i : items) {
            if (dup.add(i.host())) {
                Name target = nameOf(ExternalRecords.join(i.host(), config.firstZone()));
                if (target != null) {
                    m.addRecord(new PTRRecord(q.qname(), DClass.IN, config.ttl(), target), Section.ANSWER);
                }
            }
        }
    }

    // ---- the apex (apex.go) -----------------------------------------------------------------------

    /** The zone's apex: SOA, NS with {@code ns1.<apex>.<zone>} glue, else NODATA. */
    private Message apex(Query q, Answerer k8s) {
        Message m = Answerer.reply(q.request(), Rcodes.NOERROR);
        switch (q.request().qtype()) {
            case Type.SOA -> m.addRecord(soa(q, k8s), Section.ANSWER);
            case Type.NS -> {
                Name ns = nameOf(ExternalRecords.join("ns1." + config.apex(), q.zoneSpelled()));
                m.addRecord(new NSRecord(nameOf(q.zoneSpelled()), DClass.IN, config.ttl(), ns), Section.ANSWER);
                Name glueOwner = nameOf(ExternalRecords.join("ns1." + config.apex(), q.qname().toString()));
                for (InetAddress a : ExternalRecords.nameServerAddresses(k8s, config.headless())) {
                    m.addRecord(addressRecord(glueOwner, a.getAddress(), config.ttl()), Section.ADDITIONAL);
                }
            }
            default -> m.addRecord(soa(q, k8s), Section.AUTHORITY);
        }
        return m;
    }

    /**
     * Names under {@code <apex>.<zone>}: {@code <apex>.<zone>} itself is an empty non-terminal
     * (NODATA), {@code ns1.<apex>.<zone>} has the name server addresses, anything else is NXDOMAIN.
     */
    private Message subApex(Query q, Answerer k8s) {
        String base = ExternalRecords.base(q.name(), q.zone());
        int labels = base.isEmpty() ? 0 : base.split("\\.", -1).length;
        if (labels == 1) {
            return negative(q, k8s, Rcodes.NOERROR);
        }
        if (labels != 2 || !base.startsWith("ns1.")) {
            return negative(q, k8s, Rcodes.NXDOMAIN);
        }
        Message m = Answerer.reply(q.request(), Rcodes.NOERROR);
        int qtype = q.request().qtype();
        if (qtype == Type.A || qtype == Type.AAAA) {
            for (InetAddress a : ExternalRecords.nameServerAddresses(k8s, config.headless())) {
                byte[] raw = a.getAddress();
                if ((raw.length == 4) == (qtype == Type.A)) {
                    m.addRecord(addressRecord(q.qname(), raw, config.ttl()), Section.ANSWER);
                }
            }
        }
        if (m.getSection(Section.ANSWER).isEmpty()) {
            m.addRecord(soa(q, k8s), Section.AUTHORITY);
        }
        return m;
    }

    private Message negative(Query q, Answerer k8s, int rcode) {
        Message m = Answerer.reply(q.request(), rcode);
        m.addRecord(soa(q, k8s), Section.AUTHORITY);
        return m;
    }

    /**
     * {@code <zone> TTL IN SOA ns1.<apex>.<zone>. hostmaster.<apex>.<zone>. <serial> 7200 1800 86400 TTL};
     * the serial is the last change of a Service with external IPs.
     */
    private SOARecord soa(Query q, Answerer k8s) {
        String zone = q.zoneSpelled();
        long ttl = config.ttl();
        return SyntheticSoa.of(nameOf(zone), ttl, nameOf(ExternalRecords.join("ns1." + config.apex(), zone)),
                nameOf(ExternalRecords.join("hostmaster." + config.apex(), zone)), k8s.index().externalModified(), ttl);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The matched zone as the client spelled it (0x20), or the zone itself. */
    private static String spelled(Request request, String zone) {
        String text = request.qname().toString();
        String lower = request.name();
        if (text.length() != lower.length() || zone.equals(".")) {
            return zone;
        }
        return text.substring(text.length() - zone.length());
    }

    private static Record addressRecord(Name owner, byte[] ip, long ttl) {
        try {
            InetAddress a = InetAddress.getByAddress(ip);
            return ip.length == 4 ? new ARecord(owner, DClass.IN, ttl, a) : new AAAARecord(owner, DClass.IN, ttl, a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Name nameOf(Object text) {
        String s = text.toString();
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            return null;
        }
    }
}
