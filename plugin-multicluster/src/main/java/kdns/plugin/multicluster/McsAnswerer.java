package kdns.plugin.multicluster;

import kdns.api.zones.ReverseZones;
import kdns.api.zones.SyntheticSoa;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.spi.SrvAnswer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Builds the replies for cluster-set names (the Multi-Cluster Services DNS specification as the
 * CoreDNS multicluster plugin and the kubernetes plugin's {@code multicluster} option serve it) from
 * an {@link McsIndex} alone: name parsing, which names exist, A/AAAA/SRV/TXT/SOA, SRV weights and
 * glue, NXDOMAIN versus NODATA, SERVFAIL before the informers synced. Thread-safe; never blocks.
 */
public final class McsAnswerer {

    /** The schema version served at {@code dns-version.<zone>}. */
    public static final String SCHEMA_VERSION = "1.1.0";
    static final long VERSION_TTL = 28800;

    private final McsOptions options;
    private final McsIndex index;
    private final Predicate<String> namespaceExposed;
    private final BooleanSupplier synced;
    private final LongSupplier serial;

    /**
     * @param namespaceExposed whether a query may name this namespace (it must exist)
     * @param synced           true once the informers listed everything once (until then would-be
     *                         NXDOMAINs are SERVFAIL)
     * @param serial           the SOA serial (Unix seconds of the last change)
     */
    public McsAnswerer(McsOptions options, McsIndex index, Predicate<String> namespaceExposed, BooleanSupplier synced,
                       LongSupplier serial) {
        this.options = options;
        this.index = index;
        this.namespaceExposed = namespaceExposed;
        this.synced = synced;
        this.serial = serial;
    }

    /** The standalone form: namespaces from the index, serial from the index. */
    public McsAnswerer(McsOptions options, McsIndex index, BooleanSupplier synced) {
        this(options, index, index::namespaceExists, synced, index::modified);
    }

    public McsOptions options() {
        return options;
    }

    /** True when {@code lowerName} is inside one of the cluster-set zones. */
    public boolean inZones(String lowerName) {
        return ZoneNames.longestMatch(options.zones(), lowerName) != null;
    }

    /** One internal record: an address, a port and the name the SRV target is built from. */
    private record Item(String host, int port, String target) {
    }

    /** The items of a name, or a name error. */
    private record Found(List<Item> items, boolean nameError) {
        static final Found NAME_ERROR = new Found(List.of(), true);
        static final Found EMPTY = new Found(List.of(), false);
    }

    /**
     * The reply to {@code request}, or null when the query is not for this plugin (outside the zones)
     * or falls through to the next plugin.
     */
    public Message answer(Request request) {
        String name = request.name();
        String zoneLower = ZoneNames.longestMatch(options.zones(), name);
        if (zoneLower == null) {
            return null;
        }
        String text = request.qname().toString();
        String zone = text.length() == name.length() ? text.substring(text.length() - zoneLower.length()) : zoneLower;
        Name qname = request.qname();
        int qtype = request.qtype();
        List<Record> answer = new ArrayList<>();
        List<Record> extra = new ArrayList<>();
        boolean nameError;
        switch (qtype) {
            case Type.A, Type.AAAA -> {
                Found f = services(name, zoneLower, zone);
                Set<String> dup = new HashSet<>();
                for (Item i : f.items()) {
                    byte[] a = IpLiterals.parseUnmapped(i.host());
                    if (a == null || (a.length == 4) != (qtype == Type.A) || !dup.add(i.host())) {
                        continue;
                    }
                    Record r = addressRecord(qname, a, options.ttl());
                    if (r != null) {
                        answer.add(r);
                    }
                }
                nameError = f.nameError();
            }
            case Type.SRV -> {
                Found f = services(name, zoneLower, zone);
                srv(qname, f.items(), answer, extra);
                nameError = f.nameError();
            }
            case Type.TXT -> {
                if (name.equals("dns-version." + zoneLower)) {
                    answer.add(new TXTRecord(qname, DClass.IN, VERSION_TTL, SCHEMA_VERSION));
                    nameError = false;
                } else {
                    // both plugins' Services for TXT: NODATA only when the name has records of
                    // another type, else NXDOMAIN (even for the apex or a namespace's name)
                    nameError = services(name, zoneLower, zone).items().isEmpty();
                }
            }
            case Type.SOA -> {
                nameError = false;
                if (name.equals(zoneLower)) {
                    answer.add(soa(zone));
                }
            }
            // ns.dns.<zone> is not a cluster-set name; the apex test compares the lower-cased name with
            // the zone as spelled (both plugins' handlers), so a mixed-case apex takes the fake A: NODATA
            case Type.NS -> nameError = (name.equals(zoneLower) && name.equals(zone))
                    || services(name, zoneLower, zone).nameError();
            default -> nameError = services(name, zoneLower, zone).nameError();
        }
        if (nameError) {
            if (options.fallthrough().through(name)) {
                return null;
            }
            return negative(request, zone, synced.getAsBoolean() ? Rcode.NXDOMAIN : Rcode.SERVFAIL);
        }
        if (answer.isEmpty()) {
            return negative(request, zone, Rcode.NOERROR);
        }
        Message m = reply(request, Rcode.NOERROR);
        for (Record r : answer) {
            m.addRecord(r, Section.ANSWER);
        }
        for (Record r : extra) {
            m.addRecord(r, Section.ADDITIONAL);
        }
        return m;
    }

    // ---- lookup -------------------------------------------------------------------------------

    private Found services(String name, String zoneLower, String zone) {
        McsName r = McsName.parse(name, zoneLower.length());
        if (r.invalid()) {
            return Found.NAME_ERROR;
        }
        if (r.noRequest()) {
            return Found.EMPTY;
        }
        if (ReverseZones.isReverse(name)) {
            return Found.NAME_ERROR;
        }
        if (!namespaceExposed.test(r.namespace())) {
            return Found.NAME_ERROR;
        }
        if (r.service().isEmpty()) {
            return Found.EMPTY;
        }
        ServiceImportInfo si = index.serviceImport(r.namespace(), r.service());
        if (si == null) {
            return Found.NAME_ERROR;
        }
        List<McsSlice> slices = options.noEndpoints() ? List.of() : index.slicesOf(si.namespace(), si.name());
        String svcName = si.name() + "." + si.namespace() + ".svc." + zone;
        List<Item> items = new ArrayList<>();
        boolean found = false;
        if (si.headless() || !r.endpoint().isEmpty()) {
            for (McsSlice s : slices) {
                if (!r.endpoint().isEmpty() && !r.cluster().equalsIgnoreCase(s.clusterId())) {
                    continue;
                }
                for (McsEndpoint e : s.endpoints()) {
                    String host = hostname(e);
                    if (!r.endpoint().isEmpty() && !r.endpoint().equalsIgnoreCase(host)) {
                        continue;
                    }
                    for (Port p : s.ports()) {
                        if (!p.matches(r.port(), r.protocol())) {
                            continue;
                        }
                        found = true;
                        items.add(new Item(e.address(), p.port(), host + "." + s.clusterId() + "." + svcName));
                    }
                }
            }
            return found ? new Found(items, false) : Found.NAME_ERROR;
        }
        if (options.ignoreEmptyService()) {
            int ready = 0;
            for (McsSlice s : slices) {
                ready += s.endpoints().size();
            }
            if (ready == 0) {
                return Found.NAME_ERROR;
            }
        }
        for (Port p : si.ports()) {
            if (!p.matches(r.port(), r.protocol())) {
                continue;
            }
            found = true;
            for (String ip : si.ips()) {
                items.add(new Item(ip, p.port(), svcName));
            }
        }
        return found ? new Found(items, false) : Found.NAME_ERROR;
    }

    /**
     * The endpoint's DNS name: its hostname, else (kubernetes option with {@code endpoint_pod_names})
     * the pod's name, else the IP with dots or colons turned into dashes.
     */
    private String hostname(McsEndpoint e) {
        if (options.kubernetesNames()) {
            return e.kubernetesName(options.endpointPodNames());
        }
        if (!e.hostname().isEmpty()) {
            return e.hostname();
        }
        String a = e.address();
        if (a.indexOf('.') >= 0) {
            return a.replace('.', '-');
        }
        return a.indexOf(':') >= 0 ? a.replace(':', '-') : "";
    }

    // ---- SRV (backend_lookup.go) ---------------------------------------------------------------

    private void srv(Name qname, List<Item> items, List<Record> answer, List<Record> extra) {
        int weight = SrvAnswer.weight(items.size());
        SrvAnswer srv = new SrvAnswer();
        for (Item i : items) {
            if (i.port() == -1) {
                continue;
            }
            byte[] a = IpLiterals.parseUnmapped(i.host());
            Name target = nameOf(i.target());
            if (a == null || target == null) {
                continue;
            }
            String t = target.toString();
            if (srv.firstRecord(t, i.port())) {
                answer.add(new SRVRecord(qname, DClass.IN, options.ttl(), 0, weight, i.port(), target));
            }
            if (srv.firstGlue(t, i.host())) {
                Record glue = addressRecord(target, a, options.ttl());
                if (glue != null) {
                    extra.add(glue);
                }
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Message negative(Request request, String zone, int rcode) {
        Message m = reply(request, rcode);
        m.addRecord(soa(zone), Section.AUTHORITY);
        return m;
    }

    private SOARecord soa(String zone) {
        Name z = nameOf(zone);
        long ttl = options.ttl();
        return SyntheticSoa.of(z, Math.min(ttl, 300), nameOf("ns.dns." + zone), nameOf("hostmaster." + zone),
                serial.getAsLong(), ttl);
    }

    private static Message reply(Request request, int rcode) {
        return Replies.authoritative(request, rcode);
    }

    private static Record addressRecord(Name owner, byte[] a, long ttl) {
        try {
            InetAddress addr = InetAddress.getByAddress(a);
            return a.length == 4 ? new ARecord(owner, DClass.IN, ttl, addr) : new AAAARecord(owner, DClass.IN, ttl, addr);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Name nameOf(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            return null;
        }
    }
}
