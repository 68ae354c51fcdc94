package kdns.plugin.kubernetes.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.WireMessage;
import kdns.api.WireReplies;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ReverseZones;
import kdns.api.zones.SyntheticSoa;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.dns.ClusterLookup.Found;
import kdns.plugin.kubernetes.dns.ClusterLookup.Item;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.plugin.kubernetes.spi.SrvAnswer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Builds the kubernetes plugin's replies from the {@link ClusterIndex} alone, following CoreDNS's
 * handler.go, ns.go and backend_lookup.go: the records for each query type from the items
 * {@link ClusterLookup} finds for a name (kubernetes.go, reverse.go), SRV weights, glue, NXDOMAIN
 * versus NODATA and the SOA. Thread-safe
 * and allocation-light: nothing here blocks or touches the network. A query whose answer needs a
 * lookup of an out-of-zone ExternalName target comes back as an {@link Outcome} carrying that
 * lookup, which the handler performs through the rest of the chain.
 */
public final class Answerer {

    /** The schema version of the Kubernetes DNS specification served at {@code dns-version}. */
    public static final String SCHEMA_VERSION = "1.1.0";

    /**
     * CoreDNS's maxCnameChainLength: a CNAME is dropped when more than this many come before it in
     * the chain (the depth of the lookup), so a chain holds at most 11.
     */
    private static final int MAX_CNAME_CHAIN = 10;

    private final KubernetesConfig config;
    private final ClusterIndex index;
    private final BooleanSupplier synced;
    private final Supplier<List<InetAddress>> localIps;
    private final ClusterLookup lookup;

    /**
     * @param synced   true once every informer has synced (until then would-be NXDOMAINs are SERVFAIL)
     * @param localIps the server's own non-loopback addresses (for the apex NS and {@code ns.dns})
     */
    public Answerer(KubernetesConfig config, ClusterIndex index, BooleanSupplier synced,
                    Supplier<List<InetAddress>> localIps) {
        this.config = config;
        this.index = index;
        this.synced = synced;
        this.localIps = localIps;
        this.lookup = new ClusterLookup(config, index);
    }

    /**
     * This answerer with other addresses for the apex NS records and {@code ns.dns.<zone>} (the
     * block's {@code bind} addresses, {@link BoundAddresses}); same index and configuration.
     */
    public Answerer withLocalIps(List<InetAddress> ips) {
        List<InetAddress> copy = List.copyOf(ips);
        return new Answerer(config, index, synced, () -> copy);
    }

    public KubernetesConfig config() {
        return config;
    }

    public ClusterIndex index() {
        return index;
    }

    /**
     * The server's own non-loopback addresses the name server records are built from (the block's
     * {@code bind} addresses, else the interface addresses); k8s_external builds its apex NS from them.
     */
    public List<InetAddress> localIps() {
        return localIps.get();
    }

    // ---- the result -----------------------------------------------------------------------------

    /** What to do with a query. */
    public sealed interface Outcome permits Next, Reply, ErrorRcode, Upstream, WireReply {
    }

    /**
     * Offer this reply, already in wire form, with {@code ResponseWriter.writeWire}; when the writer
     * declines, ask again with {@link #answer(Request)} for the reply as a message.
     */
    public record WireReply(WireMessage message) implements Outcome {
    }

    /** Not ours (outside the zones) or fallthrough: call the next plugin. */
    public record Next() implements Outcome {
    }

    /** Write this reply. */
    public record Reply(Message message) implements Outcome {
    }

    /** Write nothing; return this rcode (e.g. REFUSED for transfers). */
    public record ErrorRcode(int rcode) implements Outcome {
    }

    /**
     * The reply so far ({@code partial}: a CNAME to an out-of-zone target) needs the answer of
     * {@code target}/{@code qtype}, looked up through the whole server, appended.
     */
    public record Upstream(Message partial, Name target, int qtype) implements Outcome {
    }

    /** Per-query state. */
    private final class Query {
        final Request request;
        final String name;          // lower case
        final String zoneLower;
        /** The zone as the client spelled it; worked out when a reply needs it (SOA, NS, SRV targets). */
        private String zone;
        Name upstreamTarget;
        int upstreamType;

        Query(Request request, String zoneLower) {
            this.request = request;
            this.name = request.name();
            this.zoneLower = zoneLower;
        }

        /**
         * The name as the client wrote it: asked of the request only by replies built as messages,
         * so a wire reply never has the question's record made.
         */
        Name qname() {
            return request.qname();
        }

        String zone() {
            if (zone == null && !request.mixedCase()) {
                // Spelled as the lower-case name (nearly every client): no text of the Name needed.
                zone = zoneLower;
            }
            if (zone == null) {
                String text = qname().toString();
                zone = text.length() == name.length() ? text.substring(text.length() - zoneLower.length()) : zoneLower;
            }
            return zone;
        }
    }

    // ---- entry point ------------------------------------------------------------------------------

    /** Decides the answer to {@code request}, as a message ({@link Reply}) when it is a reply. */
    public Outcome answer(Request request) {
        return answer(request, false);
    }

    /**
     * Decides the answer to {@code request}; with {@code wire} (the writer takes wire replies), the
     * usual replies, one A or AAAA record or a negative reply with the SOA, come as a
     * {@link WireReply} when {@link WireAnswers} writes them.
     */
    public Outcome answer(Request request, boolean wire) {
        String name = request.name();
        String zoneLower = ZoneNames.longestMatch(config.zones(), name);
        if (zoneLower == null) {
            return new Next();
        }
        Query q = new Query(request, zoneLower);
        int qtype = request.qtype();
        // Most answers hold one or two records and no extra section: the lists are made only when
        // something goes in (A and AAAA: not for a wire reply, nor for a name without items), and
        // the loops below go by index, so no iterator is made.
        boolean address = qtype == Type.A || qtype == Type.AAAA;
        List<Record> records = address ? List.of() : new ArrayList<>(2);
        List<Record> extra = qtype == Type.SRV || qtype == Type.NS ? new ArrayList<>() : List.of();
        boolean nameError;
        switch (qtype) {
            case Type.A, Type.AAAA -> {
                Found f = services(q, name, qtype);
                WireMessage w = wire ? WireAnswers.address(request, f.items(), qtype) : null;
                if (w != null) {
                    return new WireReply(w);
                }
                if (f.items().isEmpty()) {
                    nameError = f.nameError();
                } else {
                    records = new ArrayList<>(2);
                    nameError = address(q, name, q.qname(), qtype, records, 0, f);
                }
            }
            case Type.TXT -> nameError = txt(q, name, records);
            case Type.CNAME -> nameError = cname(q, records);
            case Type.PTR -> nameError = ptr(q, records);
            case Type.MX -> nameError = services(q, name, Type.MX).nameError();
            case Type.SRV -> nameError = srv(q, records, extra);
            case Type.SOA -> {
                nameError = false;
                if (name.equals(zoneLower)) {
                    records.add(soa(q));
                }
            }
            case Type.AXFR, Type.IXFR -> {
                return new ErrorRcode(Rcode.REFUSED);
            }
            case Type.NS -> {
                // CoreDNS compares the lower-cased name with the zone as the query spells it: an NS
                // query for the apex with upper-case letters in it gets the fake A lookup (NODATA).
                if (name.equals(zoneLower) && name.equals(q.zone())) {
                    nameError = ns(q, records, extra);
                } else {
                    nameError = services(q, name, Type.A).nameError();
                }
            }
            default -> nameError = services(q, name, Type.A).nameError();
        }
        if (nameError) {
            if (config.fallthrough().through(name)) {
                return new Next();
            }
            return negative(q, synced.getAsBoolean() ? Rcode.NXDOMAIN : Rcode.SERVFAIL, wire);
        }
        if (records.isEmpty()) {
            return negative(q, Rcode.NOERROR, wire);
        }
        Message m = reply(request, Rcode.NOERROR);
        for (int i = 0, n = records.size(); i < n; i++) {
            m.addRecord(records.get(i), Section.ANSWER);
        }
        for (int i = 0, n = extra.size(); i < n; i++) {
            m.addRecord(extra.get(i), Section.ADDITIONAL);
        }
        if (q.upstreamTarget != null) {
            return new Upstream(m, q.upstreamTarget, q.upstreamType);
        }
        return new Reply(m);
    }

    /**
     * CoreDNS's namespaceExposed: allowed by {@code namespaces} and present in the (label-filtered)
     * index (k8s_external asks it too).
     */
    public boolean namespaceExposed(String ns) {
        return lookup.namespaceExposed(ns);
    }

    // ---- Services (kubernetes.go) -----------------------------------------------------------------

    private Found services(Query q, String name, int qtype) {
        if (qtype == Type.TXT) {
            String base = name.substring(0, name.length() - q.zoneLower.length());
            if (base.equals("dns-version.")) {
                return new Found(List.of(new Item(SCHEMA_VERSION, 0, "", 28800, true)), false);
            }
            // CoreDNS's Services for TXT: NODATA when the name has records of another type, else
            // NXDOMAIN, even for names that exist without records of their own (the apex, svc.<zone>,
            // a namespace); with zonal, a zone-scoped name found without error is NODATA too.
            Found f = lookup.records(name, q.zoneLower.length(), false);
            if (!f.items().isEmpty()) {
                return Found.EMPTY;
            }
            if (!f.nameError() && config.zonal()
                    && !QueryName.parse(name, q.zoneLower.length(), true).topologyZone().isEmpty()) {
                return Found.EMPTY;
            }
            return Found.NAME_ERROR;
        }
        if (qtype == Type.NS) {
            return Found.EMPTY; // handled by ns()
        }
        if (isDefaultNs(name, q)) {
            List<Item> items = new ArrayList<>();
            for (NsAddress a : nsAddresses(q)) {
                boolean v4 = a.address().getAddress().length == 4;
                if ((qtype == Type.A && v4) || (qtype == Type.AAAA && !v4)) {
                    items.add(new Item(a.address().getHostAddress(), 0, "", config.ttl(), false));
                }
            }
            return new Found(items, false);
        }
        Found f = lookup.records(name, q.zoneLower.length(), qtype == Type.SRV);
        if (qtype != Type.SRV) {
            return f;
        }
        List<Item> internal = new ArrayList<>();
        for (Item i : f.items()) {
            if (hostType(i) != Type.CNAME) {
                internal.add(i);
            }
        }
        return new Found(internal, f.nameError());
    }

    /** CoreDNS's quirk: the lower-cased name is compared with the zone as spelled in the query. */
    private static boolean isDefaultNs(String name, Query q) {
        if (name.length() != q.zoneLower.length() + 7 || !name.startsWith("ns.dns.")) {
            return false;
        }
        String zone = q.zone();
        return name.regionMatches(7, zone, 0, zone.length());
    }

    // ---- per type (backend_lookup.go) ---------------------------------------------------------------

    /**
     * CoreDNS's A and AAAA for the lower-cased {@code name}, owned by {@code owner}: the query name
     * as asked, or (following an in-zone CNAME) the target as the ExternalName spells it, as CoreDNS
     * asks again with that name.
     */
    private boolean address(Query q, String name, Name owner, int qtype, List<Record> out, int depth) {
        return address(q, name, owner, qtype, out, depth, services(q, name, qtype));
    }

    /** {@link #address(Query, String, Name, int, List, int)} with the items of {@code name} found already. */
    private boolean address(Query q, String name, Name owner, int qtype, List<Record> out, int depth, Found f) {
        // Most names have one address: the set of those already answered is made only for more.
        List<Item> items = f.items();
        Set<String> dup = items.size() > 1 ? new HashSet<>() : null;
        for (int k = 0, n = items.size(); k < n; k++) {
            Item i = items.get(k);
            byte[] ip = i.text() ? null : IpLiterals.parseUnmapped(i.host());
            int t = i.text() ? Type.TXT : ip == null ? Type.CNAME : ip.length == 4 ? Type.A : Type.AAAA;
            if (t == Type.CNAME) {
                String lowerTarget = i.host().toLowerCase(Locale.ROOT);
                if (ZoneNames.isSubdomain(name, lowerTarget)) {
                    continue; // x CNAME x, or x CNAME y.x: a loop
                }
                Name target = nameOf(i.host());
                if (target == null || depth > MAX_CNAME_CHAIN) {
                    continue;
                }
                Record cname = new CNAMERecord(owner, DClass.IN, i.ttl(), target);
                if (ZoneNames.isSubdomain(q.zoneLower, lowerTarget)) {
                    List<Record> next = new ArrayList<>();
                    boolean err = address(q, lowerTarget, target, qtype, next, depth + 1);
                    if (!err && !next.isEmpty()) {
                        out.add(cname);
                        out.addAll(next);
                    }
                    continue;
                }
                out.add(cname);
                if (q.upstreamTarget == null) {
                    q.upstreamTarget = target;
                    q.upstreamType = qtype;
                }
                continue;
            }
            if (t != qtype || (dup != null && !dup.add(i.host()))) {
                continue;
            }
            Record rr = addressRecord(owner, ip, i.ttl());
            if (rr != null) {
                out.add(rr);
            }
        }
        return f.nameError();
    }

    private boolean txt(Query q, String name, List<Record> out) {
        Found f = services(q, name, Type.TXT);
        for (Item i : f.items()) {
            if (i.text()) {
                out.add(new TXTRecord(q.qname(), DClass.IN, i.ttl(), i.host()));
            }
        }
        return f.nameError();
    }

    private boolean cname(Query q, List<Record> out) {
        Found f = services(q, q.name, Type.CNAME);
        if (!f.items().isEmpty()) {
            Item i = f.items().get(0);
            if (IpLiterals.parseUnmapped(i.host()) == null && !i.text()) {
                Name target = nameOf(i.host());
                if (target != null) {
                    out.add(new CNAMERecord(q.qname(), DClass.IN, i.ttl(), target));
                }
            }
        }
        return f.nameError();
    }

    private boolean srv(Query q, List<Record> out, List<Record> extra) {
        Found f = services(q, q.name, Type.SRV);
        List<Item> items = f.items();
        int weight = SrvAnswer.weight(items.size());
        SrvAnswer srv = new SrvAnswer();
        for (Item i : items) {
            if (i.port() == -1) {
                continue;
            }
            int t = hostType(i);
            if (t != Type.A && t != Type.AAAA) {
                continue;
            }
            Name target = nameOf(i.key().isEmpty() ? q.zone() : i.key() + "." + q.zone());
            if (target == null) {
                continue;
            }
            String targetText = target.toString();
            if (srv.firstRecord(targetText, i.port())) {
                out.add(new SRVRecord(q.qname(), DClass.IN, i.ttl(), 0, weight, i.port(), target));
            }
            if (srv.firstGlue(targetText, i.host())) {
                Record glue = addressRecord(target, i.host(), i.ttl());
                if (glue != null) {
                    extra.add(glue);
                }
            }
        }
        return f.nameError();
    }

    private boolean ptr(Query q, List<Record> out) {
        InetAddress ip = ReverseZones.isReverse(q.name) ? ReverseZones.addressOf(q.name) : null;
        if (ip == null) {
            // CoreDNS's Reverse for a name that holds no address (a forward name, a reverse zone's
            // apex, a partial reverse name): Records decides NODATA or NXDOMAIN, and its services
            // (an ExternalName's target among them) never become PTR records.
            return lookup.records(q.name, q.zoneLower.length(), false).nameError();
        }
        List<Item> items = lookup.reverse(IpLiterals.format(ip));
        boolean nameError = items.isEmpty();
        Set<String> dup = new HashSet<>();
        for (Item i : items) {
            if (IpLiterals.parseUnmapped(i.host()) == null && !i.text() && dup.add(i.host())) {
                Name target = nameOf(i.host());
                if (target != null) {
                    out.add(new PTRRecord(q.qname(), DClass.IN, i.ttl(), target));
                }
            }
        }
        return nameError;
    }

    private boolean ns(Query q, List<Record> out, List<Record> extra) {
        Set<String> owners = new HashSet<>();
        for (NsAddress a : nsAddresses(q)) {
            if (owners.add(a.owner().toString())) {
                out.add(new NSRecord(q.qname(), DClass.IN, config.ttl(), a.owner()));
            }
            Record glue = addressRecord(a.owner(), a.address().getHostAddress(), config.ttl());
            if (glue != null) {
                extra.add(glue);
            }
        }
        return false;
    }

    // ---- ns.go --------------------------------------------------------------------------------

    /** One name server address: the owner name and the address. */
    private record NsAddress(Name owner, InetAddress address) {
    }

    /**
     * CoreDNS's nsAddrs: for each of this server's own non-loopback IPs that is a ready endpoint of
     * a service (in any namespace: nsAddrs does not look at {@code namespaces} or
     * {@code namespace_labels}), that service's name and cluster IPs (for a headless service the
     * endpoint names and IPs); only when none of the IPs is an endpoint, {@code ns.dns.<zone>} with
     * each IP itself.
     */
    private List<NsAddress> nsAddresses(Query q) {
        List<NsAddress> out = new ArrayList<>();
        List<InetAddress> locals = localIps.get();
        boolean foundEndpoint = false;
        for (InetAddress local : locals) {
            String ip = IpLiterals.format(local);
            List<SliceInfo> slices = config.noEndpoints() ? List.of() : index.slicesByIp(ip);
            for (SliceInfo s : slices) {
                foundEndpoint = true;
                ServiceInfo svc = index.service(s.namespace(), s.serviceName());
                if (svc == null) {
                    continue;
                }
                String svcName = svc.name() + "." + svc.namespace() + ".svc." + q.zone();
                if (svc.headless()) {
                    for (Endpoint e : s.endpoints()) {
                        Name owner = nameOf(e.dnsName(config.endpointPodNames()) + "." + svcName);
                        InetAddress a = inet(e.address());
                        if (owner != null && a != null) {
                            out.add(new NsAddress(owner, a));
                        }
                    }
                } else {
                    Name owner = nameOf(svcName);
                    for (String cip : svc.addressIPs()) {
                        InetAddress a = inet(cip);
                        if (owner != null && a != null) {
                            out.add(new NsAddress(owner, a));
                        }
                    }
                }
            }
        }
        if (!foundEndpoint) {
            Name owner = nameOf("ns.dns." + q.zone());
            if (owner != null) {
                for (InetAddress local : locals) {
                    out.add(new NsAddress(owner, local));
                }
            }
        }
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The negative reply with the zone's SOA: in wire form when {@code wire} and {@link WireAnswers} writes it. */
    private Outcome negative(Query q, int rcode, boolean wire) {
        if (wire) {
            WireReplies.SoaWire names = soaWires.computeIfAbsent(q.zoneLower, Answerer::soaWire);
            long ttl = config.ttl();
            WireMessage w = names == null ? null
                    : WireAnswers.negative(q.request, rcode, names, Math.min(ttl, 300), index.modified(), ttl);
            if (w != null) {
                return new WireReply(w);
            }
        }
        return new Reply(negative(q, rcode));
    }

    /** Keyed by the configured zones in lower case, as {@link #soaNames}. */
    private final Map<String, WireReplies.SoaWire> soaWires = new ConcurrentHashMap<>();

    private static WireReplies.SoaWire soaWire(String zoneLower) {
        SoaNames n = SoaNames.of(zoneLower);
        return n.zone() == null || n.ns() == null || n.mbox() == null ? null
                : WireReplies.SoaWire.of(n.zone(), n.ns(), n.mbox());
    }

    private Message negative(Query q, int rcode) {
        Message m = reply(q.request, rcode);
        m.addRecord(soa(q), Section.AUTHORITY);
        return m;
    }

    /** The owner, primary server and mailbox names of a zone's SOA. */
    private record SoaNames(Name zone, Name ns, Name mbox) {
        static SoaNames of(String zone) {
            return new SoaNames(nameOf(zone), nameOf("ns.dns." + zone), nameOf("hostmaster." + zone));
        }
    }

    /** Keyed by the configured zones in lower case: as small as the Corefile's zone list. */
    private final Map<String, SoaNames> soaNames = new ConcurrentHashMap<>();

    private SOARecord soa(Query q) {
        String spelled = q.zone();
        // Names keep the client's spelling (0x20); the usual lower-case one is parsed once per zone.
        SoaNames n = spelled.equals(q.zoneLower) ? soaNames.computeIfAbsent(q.zoneLower, SoaNames::of)
                : SoaNames.of(spelled);
        Name zone = n.zone();
        Name ns = n.ns();
        Name mbox = n.mbox();
        long ttl = config.ttl();
        return SyntheticSoa.of(zone, Math.min(ttl, 300), ns, mbox, index.modified(), ttl);
    }

    /** An authoritative reply with the question of {@code request}. */
    public static Message reply(Request request, int rcode) {
        return Replies.authoritative(request, rcode);
    }

    private static int hostType(Item i) {
        if (i.text()) {
            return Type.TXT;
        }
        byte[] a = IpLiterals.parseUnmapped(i.host());
        if (a == null) {
            return Type.CNAME;
        }
        return a.length == 4 ? Type.A : Type.AAAA;
    }

    private static Record addressRecord(Name owner, String ip, long ttl) {
        return addressRecord(owner, IpLiterals.parseUnmapped(ip), ttl);
    }

    private static Record addressRecord(Name owner, byte[] a, long ttl) {
        if (a == null) {
            return null;
        }
        try {
            InetAddress addr = InetAddress.getByAddress(a);
            return a.length == 4 ? new ARecord(owner, DClass.IN, ttl, addr) : new AAAARecord(owner, DClass.IN, ttl, addr);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress inet(String ip) {
        byte[] a = IpLiterals.parseUnmapped(ip);
        return a == null ? null : IpLiterals.address(a);
    }

    static String fqdn(String s) {
        return s.endsWith(".") ? s : s + ".";
    }

    private static Name nameOf(String s) {
        try {
            return Name.fromString(fqdn(s));
        } catch (TextParseException e) {
            return null;
        }
    }
}
