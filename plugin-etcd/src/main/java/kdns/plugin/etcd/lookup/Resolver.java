package kdns.plugin.etcd.lookup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import kdns.api.Request;
import kdns.api.WireMessage;
import kdns.api.WireReplies;
import kdns.api.text.RecordValues;
import kdns.api.zones.SyntheticSoa;
import kdns.api.zones.ZoneNames;
import kdns.plugin.etcd.msg.HostType;
import kdns.plugin.etcd.msg.Paths;
import kdns.plugin.etcd.store.Index;
import kdns.plugin.etcd.store.Node;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
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
 * Builds answers from the index exactly as CoreDNS's etcd plugin builds them from etcd reads
 * ({@code plugin/backend_lookup.go} over {@code etcd.Records}): sub-tree reads, groups, the apex
 * and NS special trees, CNAME chasing inside the zone and through the {@link Upstream} outside it,
 * SRV/MX synthesis with target stripping. Stateless; one call per query, on the caller's thread.
 */
public final class Resolver {

    /** The SOA's minimum TTL (CoreDNS's etcd {@code MinTTL}). */
    public static final long MIN_TTL = 30;
    /** The TTL of entries without one. */
    static final long DEFAULT_TTL = 300;
    /** CNAMEs followed inside the zone before giving up. */
    static final int MAX_CNAME_CHAIN = 10;

    /** The etcd read found nothing at the name: NXDOMAIN (or fallthrough). */
    public static final class NameError extends Exception {
        NameError() {
            super("name error", null, false, false);
        }
    }

    /** Data that cannot be served (a value that does not decode, an NS entry with a name): SERVFAIL. */
    public static final class DataError extends Exception {
        DataError(String message) {
            super(message, null, false, false);
        }
    }

    /** Lookups of out-of-zone names through the server's chain; null when the lookup failed. */
    @FunctionalInterface
    public interface Upstream {
        Message lookup(Name name, int type);
    }

    /** An upstream that always fails (for lookups whose records are not used). */
    public static final Upstream NONE = (n, t) -> null;

    /** What a query gets when there is no error: answer, additional, and the TC bit. */
    public record Answer(List<Record> answer, List<Record> extra, boolean truncated) {
    }

    private static final NameError NAME_ERROR = new NameError();

    private final String prefix;
    private final long minLeaseTtl;
    private final long maxLeaseTtl;

    /**
     * @param prefix      the normalised key prefix ({@code /skydns})
     * @param minLeaseTtl lower bound of lease-derived TTLs (seconds)
     * @param maxLeaseTtl upper bound of lease-derived TTLs (seconds)
     */
    public Resolver(String prefix, long minLeaseTtl, long maxLeaseTtl) {
        this.prefix = prefix;
        this.minLeaseTtl = minLeaseTtl;
        this.maxLeaseTtl = maxLeaseTtl;
    }

    /** One query's state: the index view, the zone, the upstream and the TC flag. */
    private final class Query {
        final Index.View view;
        final String zone;
        final Upstream up;
        boolean truncated;

        Query(Index.View view, String zone, Upstream up) {
            this.view = view;
            this.zone = zone;
            this.up = up;
        }
    }

    /**
     * Answers a query for {@code qname} (as the client wrote it) of type {@code qtype} in
     * {@code zone}.
     *
     * @throws NameError when etcd has nothing at the name
     * @throws DataError when the data cannot be served
     */
    public Answer resolve(Index.View view, String zone, Name qname, int qtype, Upstream up)
            throws NameError, DataError {
        return resolve(view, zone, qname, qname.toString().toLowerCase(Locale.ROOT), qtype, up);
    }

    /** As {@link #resolve(Index.View, String, Name, int, Upstream)}, with the name already in lower case. */
    public Answer resolve(Index.View view, String zone, Name qname, String lname, int qtype, Upstream up)
            throws NameError, DataError {
        Query q = new Query(view, zone, up);
        List<Record> answer;
        List<Record> extra = new ArrayList<>();
        switch (qtype) {
            case Type.A, Type.AAAA -> answer = address(q, qname, lname, qtype, qtype, new ArrayList<>());
            case Type.TXT -> answer = txt(q, qname, lname, new ArrayList<>());
            case Type.CNAME -> answer = cname(q, qname, lname);
            case Type.PTR -> answer = ptr(q, qname, lname);
            case Type.MX -> answer = mx(q, qname, lname, extra);
            case Type.SRV -> answer = srv(q, qname, lname, extra);
            case Type.SOA -> answer = List.of(soa(zone));
            default -> {
                if (qtype == Type.NS && lname.equals(zone)) {
                    answer = ns(q, qname, extra);
                } else {
                    // A fake A lookup tells NXDOMAIN from NODATA; its records are not used.
                    Query fake = new Query(view, zone, NONE);
                    address(fake, qname, lname, qtype, Type.A, new ArrayList<>());
                    answer = List.of();
                }
            }
        }
        return new Answer(answer, extra, q.truncated);
    }

    /** The owner, primary server and mailbox names of a zone's SOA, parsed once per zone. */
    private record SoaNames(Name zone, Name ns, Name mbox) {
        static SoaNames of(String zone) {
            try {
                return new SoaNames(Name.fromString(zone),
                        Name.fromString(zone.equals(".") ? "ns.dns." : "ns.dns." + zone),
                        Name.fromString(zone.equals(".") ? "hostmaster." : "hostmaster." + zone));
            } catch (TextParseException e) {
                throw new IllegalArgumentException("bad zone " + zone, e);
            }
        }
    }

    /** Keyed by the plugin's zones only, so it stays as small as the Corefile's zone list. */
    private final Map<String, SoaNames> soaNames = new ConcurrentHashMap<>();

    /** Keyed as {@link #soaNames}: the canonical wire forms of the same names. */
    private final Map<String, WireReplies.SoaWire> soaWires = new ConcurrentHashMap<>();

    /**
     * The negative reply (NXDOMAIN, NODATA) to {@code request} in {@code zone} with the zone's SOA
     * as {@link #soa} makes it, in wire form; null when {@link WireReplies#negative} does not write it.
     */
    public WireMessage negativeWire(Request request, String zone, int rcode) {
        WireReplies.SoaWire names = soaWires.computeIfAbsent(zone, z -> {
            SoaNames n = soaNames.computeIfAbsent(z, SoaNames::of);
            return WireReplies.SoaWire.of(n.zone(), n.ns(), n.mbox());
        });
        long serial = System.currentTimeMillis() / 1000;
        return WireReplies.negative(request, rcode, names, Math.min(MIN_TTL, 300), serial, MIN_TTL);
    }

    /** The zone's synthesized SOA; its serial is the current Unix time, as CoreDNS's. */
    public SOARecord soa(String zone) {
        SoaNames n = soaNames.computeIfAbsent(zone, SoaNames::of);
        long serial = System.currentTimeMillis() / 1000;
        return SyntheticSoa.of(n.zone(), Math.min(MIN_TTL, 300), n.ns(), n.mbox(), serial, MIN_TTL);
    }

    // ---- reading services ---------------------------------------------------------------------

    /** CoreDNS's {@code Services}: the (grouped) entries at or below {@code lname}. */
    List<Svc> services(Query q, String lname, boolean exact, int qtype) throws NameError, DataError {
        Paths.Wildcard w = Paths.pathWithWildcard(lname, prefix);
        List<Node> nodes = q.view.get(w.path(), !exact);
        if (nodes == null) {
            throw NAME_ERROR;
        }
        String[] segments = w.star() ? Paths.path(lname, prefix).split("/", -1) : null;
        List<Svc> out = new ArrayList<>(nodes.size());
        nodes:
        for (Node n : nodes) {
            if (segments != null) {
                String[] keyParts = n.key().split("/", -1);
                for (int i = 0; i < segments.length; i++) {
                    if (i > keyParts.length - 1) {
                        continue nodes;
                    }
                    String s = segments[i];
                    if (s.equals("*") || s.equals("any")) {
                        continue;
                    }
                    if (!keyParts[i].equals(s)) {
                        continue nodes;
                    }
                }
            }
            if (n.service() == null) {
                throw new DataError(n.key() + ": " + n.error());
            }
            Svc s = new Svc(n.key(), n.service(), n.hostType(), ttl(q.view, n),
                    n.service().priority() == 0 ? 10 : n.service().priority());
            if ((qtype == Type.TXT && !s.s().text().isEmpty()) || !s.s().host().isEmpty()) {
                out.add(s);
            }
        }
        return group(out);
    }

    /** The TTL of an entry: lease time (clamped) and JSON {@code ttl}, the smaller when both are set. */
    long ttl(Index.View view, Node n) {
        long etcdTtl = 0;
        if (n.lease() != 0) {
            long t = view.leaseRemaining(n.lease());
            if (t == Index.UNKNOWN) {
                // read on change; until the answer is in, the shortest TTL the options allow
                etcdTtl = minLeaseTtl;
            } else if (t > 0) {
                etcdTtl = Math.max(minLeaseTtl, Math.min(maxLeaseTtl, t));
            }
        }
        long json = n.service().ttl();
        if (etcdTtl == 0 && json == 0) {
            return DEFAULT_TTL;
        }
        if (etcdTtl == 0) {
            return json;
        }
        if (json == 0) {
            return etcdTtl;
        }
        return Math.min(etcdTtl, json);
    }

    /** CoreDNS's {@code msg.Group}: the shallowest key's group wins; group-less entries always stay. */
    static List<Svc> group(List<Svc> sx) {
        if (sx.size() < 2) {
            return sx; // one entry is its own group (the common case: a leaf name)
        }
        String group = sx.get(0).group();
        int slashes = slashes(sx.get(0).key());
        int[] length = new int[sx.size()];
        for (int i = 0; i < sx.size(); i++) {
            int x = slashes(sx.get(i).key());
            length[i] = x;
            if (x < slashes) {
                if (sx.get(i).group().isEmpty()) {
                    break;
                }
                group = sx.get(i).group();
                slashes = x;
            }
        }
        if (group.isEmpty()) {
            return sx;
        }
        List<Svc> ret = new ArrayList<>();
        for (int i = 0; i < sx.size(); i++) {
            Svc s = sx.get(i);
            if (s.group().isEmpty()) {
                ret.add(s);
                continue;
            }
            if (length[i] == slashes && !s.group().equals(group)) {
                return sx;
            }
            if (s.group().equals(group)) {
                ret.add(s);
            }
        }
        return ret;
    }

    private static int slashes(String key) {
        int c = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '/') {
                c++;
            }
        }
        return c;
    }

    // ---- per type -----------------------------------------------------------------------------

    /** A or AAAA ({@code family}) records for {@code qname}, chasing CNAMEs. */
    private List<Record> address(Query q, Name qname, String lname, int qtype, int family, List<Record> previous)
            throws NameError, DataError {
        List<Svc> services = lname.equals(q.zone) ? apex(q, qtype) : services(q, lname, false, qtype);
        // Only several services can repeat a host: a name with one (the common case) needs no set.
        Set<String> dup = services.size() > 1 ? new HashSet<>() : null;
        List<Record> records = new ArrayList<>(services.size());
        for (Svc serv : services) {
            HostType ht = serv.hostType();
            switch (ht.kind()) {
                case CNAME -> chase(q, qname, lname, qtype, serv, previous, records, true, family);
                case A -> {
                    if (family == Type.A && (dup == null || dup.add(serv.s().host()))) {
                        records.add(new ARecord(qname, DClass.IN, serv.ttl(), ht.address()));
                    }
                }
                case AAAA -> {
                    if (family == Type.AAAA && (dup == null || dup.add(serv.s().host()))) {
                        records.add(new AAAARecord(qname, DClass.IN, serv.ttl(), ht.address()));
                    }
                }
                default -> {
                    // text entries have no address
                }
            }
        }
        return records;
    }

    /**
     * The records of an A or AAAA query in {@code zone} for {@code lname} when they are the query's
     * own addresses only, as {@link #resolve} answers them (same order, a host repeated by several
     * entries once, entries of the other family and text entries left out): the TTLs and addresses
     * in {@code into}, their number returned (0: NODATA). -1 when the answer needs more than that
     * (the apex, or a CNAME entry to chase); the caller then calls {@link #resolve}. The common
     * query this way makes no record, name or list of records (the reply is written from it in
     * wire form).
     *
     * @throws NameError as {@link #resolve}
     * @throws DataError as {@link #resolve}
     */
    public int addresses(Index.View view, String zone, String lname, int qtype, Addresses into)
            throws NameError, DataError {
        if ((qtype != Type.A && qtype != Type.AAAA) || lname.equals(zone)) {
            return -1;
        }
        Node[] read = view.byName(lname, prefix);
        if (read != null) {
            return namedAddresses(view, read, qtype, into);
        }
        List<Svc> services = services(new Query(view, zone, NONE), lname, false, qtype);
        Set<String> dup = services.size() > 1 ? new HashSet<>() : null;
        HostType.Kind kind = qtype == Type.A ? HostType.Kind.A : HostType.Kind.AAAA;
        int n = 0;
        for (Svc serv : services) {
            HostType ht = serv.hostType();
            if (ht.kind() == HostType.Kind.CNAME) {
                return -1;
            }
            if (ht.kind() == kind && (dup == null || dup.add(serv.s().host()))) {
                into.add(n++, serv.ttl(), ht.octets());
            }
        }
        return n;
    }

    /**
     * {@link #addresses} for the nodes a query's read gives (found by its name: no path, list or
     * service made), with what {@link #services} does to them: a value that does not decode is left
     * to {@link #resolve} (-1), an entry without host is no entry, a host repeated is answered once.
     */
    private int namedAddresses(Index.View view, Node[] read, int qtype, Addresses into) throws NameError {
        if (read == Index.NOTHING) {
            throw NAME_ERROR;
        }
        HostType.Kind kind = qtype == Type.A ? HostType.Kind.A : HostType.Kind.AAAA;
        int n = 0;
        for (int i = 0; i < read.length; i++) {
            Node node = read[i];
            if (node.service() == null) {
                return -1;
            }
            String host = node.service().host();
            if (host.isEmpty()) {
                continue;
            }
            HostType ht = node.hostType();
            if (ht.kind() == HostType.Kind.CNAME) {
                return -1;
            }
            if (ht.kind() == kind && !answeredBefore(read, i, kind, host)) {
                into.add(n++, ttl(view, node), ht.octets());
            }
        }
        return n;
    }

    /** True when a node before {@code i} already gave {@code host} as an answer of {@code kind}. */
    private static boolean answeredBefore(Node[] read, int i, HostType.Kind kind, String host) {
        for (int j = 0; j < i; j++) {
            if (read[j].hostType().kind() == kind && read[j].service().host().equals(host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where {@link #addresses} puts the TTLs and addresses of one answer; sized for one (nearly
     * every name has one entry), it grows as needed. The addresses are the index's own octets: read only.
     */
    public static final class Addresses {
        private long[] ttls = new long[1];
        private byte[][] addresses = new byte[1][];

        void add(int i, long ttl, byte[] address) {
            if (i == ttls.length) {
                ttls = java.util.Arrays.copyOf(ttls, i * 2 + 2);
                addresses = java.util.Arrays.copyOf(addresses, i * 2 + 2);
            }
            ttls[i] = ttl;
            addresses[i] = address;
        }

        /** The TTLs; the first of them as many as {@link #addresses} returned. */
        public long[] ttls() {
            return ttls;
        }

        /** The addresses (4 octets for A, 16 for AAAA), as {@link #ttls}. */
        public byte[][] addresses() {
            return addresses;
        }
    }

    /** The apex: entries under {@code dns/apex}, else (on any error) the whole zone. */
    private List<Svc> apex(Query q, int qtype) throws NameError, DataError {
        try {
            return services(q, "apex.dns." + (q.zone.equals(".") ? "" : q.zone), false, qtype);
        } catch (NameError | DataError e) {
            return services(q, q.zone, false, qtype);
        }
    }

    /**
     * Follows a name-valued entry for an A/AAAA/TXT query: inside the zone by recursion (the CNAME
     * is added only when the target has records), outside through the upstream (the CNAME plus
     * whatever the upstream answered, when it answered at all).
     */
    private void chase(Query q, Name qname, String lname, int qtype, Svc serv, List<Record> previous,
                       List<Record> records, boolean address, int family) throws DataError {
        String host = Paths.fqdn(serv.s().host());
        String lhost = host.toLowerCase(Locale.ROOT);
        if (ZoneNames.isSubdomain(lname, lhost)) {
            return; // x CNAME x, or a name below x (a sub-tree artefact): a loop
        }
        Name target = name(host);
        CNAMERecord cname = new CNAMERecord(qname, DClass.IN, serv.ttl(), target);
        if (previous.size() > MAX_CNAME_CHAIN) {
            return;
        }
        for (Record r : previous) {
            if (r instanceof CNAMERecord c && c.getTarget().toString().equals(target.toString())) {
                return;
            }
        }
        if (ZoneNames.isSubdomain(q.zone, lhost)) {
            List<Record> chain = new ArrayList<>(previous);
            chain.add(cname);
            try {
                List<Record> next = address
                        ? address(q, target, lhost, qtype, family, chain)
                        : txt(q, target, lhost, chain);
                if (!next.isEmpty()) {
                    records.add(cname);
                    records.addAll(next);
                }
            } catch (NameError | DataError e) {
                // nothing at the target: no dangling CNAME
            }
            return;
        }
        Message m = q.up.lookup(target, qtype);
        if (m == null) {
            return;
        }
        if (m.getHeader().getFlag(Flags.TC)) {
            q.truncated = true;
        }
        records.add(cname);
        records.addAll(m.getSection(Section.ANSWER));
    }

    private List<Record> txt(Query q, Name qname, String lname, List<Record> previous) throws NameError, DataError {
        List<Svc> services = services(q, lname, false, Type.TXT);
        Set<String> dup = new HashSet<>();
        List<Record> records = new ArrayList<>();
        for (Svc serv : services) {
            switch (serv.hostType().kind()) {
                case CNAME -> chase(q, qname, lname, Type.TXT, serv, previous, records, false, 0);
                case TXT -> {
                    if (dup.add(serv.s().text())) {
                        records.add(txtRecord(qname, serv.ttl(), serv.s().text()));
                    }
                }
                default -> {
                    // addresses have no text
                }
            }
        }
        return records;
    }

    private List<Record> cname(Query q, Name qname, String lname) throws NameError, DataError {
        List<Svc> services = services(q, lname, true, Type.CNAME);
        if (!services.isEmpty() && !services.get(0).hostIsIp()) {
            Svc s = services.get(0);
            return List.of(new CNAMERecord(qname, DClass.IN, s.ttl(), name(Paths.fqdn(s.s().host()))));
        }
        return List.of();
    }

    private List<Record> ptr(Query q, Name qname, String lname) throws NameError, DataError {
        List<Svc> services = services(q, lname, true, Type.PTR);
        Set<String> dup = new HashSet<>();
        List<Record> records = new ArrayList<>();
        for (Svc s : services) {
            if (!s.hostIsIp() && dup.add(s.s().host())) {
                records.add(new PTRRecord(qname, DClass.IN, s.ttl(), name(Paths.fqdn(s.s().host()))));
            }
        }
        return records;
    }

    private record Item(String name, int port, String addr) {
    }

    private List<Record> srv(Query q, Name qname, String lname, List<Record> extra) throws NameError, DataError {
        List<Svc> services = services(q, lname, false, Type.SRV);
        Map<Long, Long> w = new HashMap<>();
        for (Svc s : services) {
            long weight = s.s().weight() != 0 ? s.s().weight() : 100;
            w.merge(s.priority(), weight, Long::sum);
        }
        Set<Item> dup = new HashSet<>();
        Set<String> lookup = new HashSet<>();
        List<Record> records = new ArrayList<>();
        for (Svc serv : services) {
            if (serv.s().port() == -1) {
                continue;
            }
            double w1 = 100.0 / w.get(serv.priority());
            w1 *= serv.s().weight() == 0 ? 100 : serv.s().weight();
            int weight = (int) (((long) Math.floor(w1)) & 0xFFFF);
            if (weight == 0) {
                weight = 1;
            }
            int priority = (int) (serv.priority() & 0xFFFF);
            int port = (int) (serv.s().port() & 0xFFFF);
            HostType ht = serv.hostType();
            switch (ht.kind()) {
                case CNAME -> {
                    String target = Paths.targetStrip(Paths.fqdn(serv.s().host()), serv.s().targetStrip());
                    Name t = name(target);
                    records.add(new SRVRecord(qname, DClass.IN, serv.ttl(), priority, weight, port, t));
                    if (!lookup.add(target)) {
                        break;
                    }
                    additional(q, t, target, extra);
                }
                case A, AAAA -> {
                    String target = Paths.targetStrip(Paths.domain(serv.key(), prefix), serv.s().targetStrip());
                    Name t = name(target);
                    if (dup.add(new Item(target, port, ""))) {
                        records.add(new SRVRecord(qname, DClass.IN, serv.ttl(), priority, weight, port, t));
                    }
                    if (dup.add(new Item(target, 0, serv.s().host()))) {
                        extra.add(addressRecord(t, serv.ttl(), ht));
                    }
                }
                default -> {
                    // a name with text is a TXT entry: no SRV
                }
            }
        }
        return records;
    }

    /** Addresses of an SRV/MX target: in-zone through {@link #address}, else upstream A and AAAA. */
    private void additional(Query q, Name t, String target, List<Record> extra) throws DataError {
        String lt = target.toLowerCase(Locale.ROOT);
        if (!ZoneNames.isSubdomain(q.zone, lt)) {
            Message m = q.up.lookup(t, Type.A);
            if (m != null) {
                extra.addAll(m.getSection(Section.ANSWER));
            }
            m = q.up.lookup(t, Type.AAAA);
            if (m != null) {
                for (Record r : m.getSection(Section.ANSWER)) {
                    if (r.getType() != Type.CNAME) {
                        extra.add(r);
                    }
                }
            }
            return;
        }
        try {
            boolean tc = q.truncated;
            extra.addAll(address(q, t, lt, Type.A, Type.A, new ArrayList<>()));
            q.truncated = tc; // the TC bit of this lookup is not passed on
        } catch (NameError | DataError e) {
            // no addresses for the target
        }
    }

    private List<Record> mx(Query q, Name qname, String lname, List<Record> extra) throws NameError, DataError {
        List<Svc> services = services(q, lname, false, Type.MX);
        Set<Item> dup = new HashSet<>();
        Set<String> lookup = new HashSet<>();
        List<Record> records = new ArrayList<>();
        for (Svc serv : services) {
            if (!serv.s().mail()) {
                continue;
            }
            int preference = (int) (serv.priority() & 0xFFFF);
            HostType ht = serv.hostType();
            switch (ht.kind()) {
                case CNAME -> {
                    String target = Paths.targetStrip(Paths.fqdn(serv.s().host()), serv.s().targetStrip());
                    Name t = name(target);
                    records.add(new MXRecord(qname, DClass.IN, serv.ttl(), preference, t));
                    if (!lookup.add(target)) {
                        break;
                    }
                    additional(q, t, target, extra);
                }
                case A, AAAA -> {
                    String host = Paths.domain(serv.key(), prefix);
                    String target = Paths.targetStrip(host, serv.s().targetStrip());
                    if (dup.add(new Item(target, preference, ""))) {
                        records.add(new MXRecord(qname, DClass.IN, serv.ttl(), preference, name(target)));
                    }
                    if (dup.add(new Item(host, 0, serv.s().host()))) {
                        extra.add(addressRecord(name(host), serv.ttl(), ht));
                    }
                }
                default -> {
                    // text entries are not mail exchangers
                }
            }
        }
        return records;
    }

    private List<Record> ns(Query q, Name qname, List<Record> extra) throws NameError, DataError {
        List<Svc> services = services(q, "ns.dns." + (q.zone.equals(".") ? "" : q.zone), false, Type.NS);
        Set<String> seen = new HashSet<>();
        List<Record> records = new ArrayList<>();
        for (Svc serv : services) {
            HostType ht = serv.hostType();
            switch (ht.kind()) {
                case CNAME -> throw new DataError("NS record must be an IP address: " + serv.s().host());
                case A, AAAA -> {
                    String target = Paths.targetStrip(Paths.domain(serv.key(), prefix), serv.s().targetStrip());
                    Name t = name(target);
                    extra.add(addressRecord(t, serv.ttl(), ht));
                    if (seen.add(target)) {
                        records.add(new NSRecord(qname, DClass.IN, serv.ttl(), t));
                    }
                }
                default -> {
                    // text entries are skipped
                }
            }
        }
        return records;
    }

    // ---- record helpers -----------------------------------------------------------------------

    private static Record addressRecord(Name owner, long ttl, HostType ht) {
        return ht.kind() == HostType.Kind.A
                ? new ARecord(owner, DClass.IN, ttl, ht.address())
                : new AAAARecord(owner, DClass.IN, ttl, ht.address());
    }

    private static Name name(String fqdn) throws DataError {
        try {
            return Name.fromString(fqdn);
        } catch (TextParseException e) {
            throw new DataError("invalid domain name '" + fqdn + "': " + e.getMessage());
        }
    }

    /** A TXT record with the text cut into 255-byte strings as CoreDNS's {@code split255} does. */
    static Record txtRecord(Name owner, long ttl, String text) {
        return RecordValues.txtRecord(owner, DClass.IN, ttl, text);
    }
}
