package kdns.plugin.standard.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SVCBRecord;
import org.xbill.DNS.Type;

/**
 * One zone as read from its file, immutable: the apex SOA and NS kept apart (as CoreDNS's Apex) and
 * every other record in a tree ordered canonically (RFC 4034), so that the names below a name follow
 * it directly. Names are stored in lower case (SRV owners excepted) as CoreDNS's {@code Insert} does,
 * so answers carry the zone's names in lower case whatever the question's spelling.
 */
final class ZoneData {

    /** The records of one name, by type, in file order. */
    static final class Node {
        final Name name;
        final Map<Integer, List<Record>> types = new LinkedHashMap<>();

        Node(Name name) {
            this.name = name;
        }

        List<Record> type(int type) {
            return types.getOrDefault(type, List.of());
        }
    }

    final Name origin;
    final SOARecord soa;
    final List<Record> apexNs;
    private final NavigableMap<Name, Node> tree;

    private ZoneData(Name origin, SOARecord soa, List<Record> apexNs, NavigableMap<Name, Node> tree) {
        this.origin = origin;
        this.soa = soa;
        this.apexNs = List.copyOf(apexNs);
        this.tree = Collections.unmodifiableNavigableMap(tree);
    }

    /** A zone file that cannot be served; the message says why and where. */
    static final class ZoneFileException extends Exception {
        ZoneFileException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses {@code file} with {@code origin} as its origin ($ORIGIN, $TTL and $INCLUDE allowed). */
    static ZoneData parse(Path file, Name origin) throws ZoneFileException {
        SOARecord soa = null;
        List<Record> ns = new ArrayList<>();
        NavigableMap<Name, Node> tree = new TreeMap<>();
        try (Master m = new Master(file.toString(), origin, 3600)) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                r = canonical(r);
                switch (r.getType()) {
                    case Type.SOA -> {
                        if (soa == null) {
                            soa = (SOARecord) r;
                        }
                        continue;
                    }
                    case Type.NS -> {
                        if (r.getName().equals(origin)) {
                            ns.add(r);
                            continue;
                        }
                    }
                    case Type.NSEC3, Type.NSEC3PARAM -> throw new ZoneFileException("NSEC3 zone is not supported, "
                            + "dropping RR: " + r.getName() + " for zone: " + origin);
                    default -> {
                        // into the tree
                    }
                }
                tree.computeIfAbsent(r.getName(), Node::new).types.computeIfAbsent(r.getType(), t -> new ArrayList<>())
                        .add(r);
            }
        } catch (IOException e) {
            throw new ZoneFileException("failed to parse file \"" + file + "\" for origin " + origin + " with error "
                    + e.getMessage());
        }
        if (soa == null) {
            throw new ZoneFileException("file \"" + file + "\" has no SOA record for origin " + origin);
        }
        return new ZoneData(origin, soa, ns, tree);
    }

    /** CoreDNS's {@code Insert}: owners (but SRV's) and the names in NS, CNAME, MX and SOA in lower case. */
    private static Record canonical(Record r) {
        Name owner = r.getType() == Type.SRV ? r.getName() : r.getName().canonicalize();
        return switch (r) {
            case NSRecord x -> new NSRecord(owner, x.getDClass(), x.getTTL(), x.getTarget().canonicalize());
            case CNAMERecord x -> new CNAMERecord(owner, x.getDClass(), x.getTTL(), x.getTarget().canonicalize());
            case MXRecord x -> new MXRecord(owner, x.getDClass(), x.getTTL(), x.getPriority(), x.getTarget().canonicalize());
            case SOARecord x -> new SOARecord(owner, x.getDClass(), x.getTTL(), x.getHost().canonicalize(),
                    x.getAdmin().canonicalize(), x.getSerial(), x.getRefresh(), x.getRetry(), x.getExpire(), x.getMinimum());
            default -> r.withName(owner);
        };
    }

    /** The node of exactly {@code name}, or null. */
    Node search(Name name) {
        return tree.get(name);
    }

    /** True when some name strictly below {@code name} is in the tree (CoreDNS's {@code hasDescendant}). */
    boolean hasDescendant(Name name) {
        Name next = tree.higherKey(name);
        return next != null && !next.equals(name) && next.subdomain(name);
    }

    /** The A and AAAA records of in-bailiwick NS targets (CoreDNS's {@code Tree.Glue}). */
    List<Record> glue(List<Record> ns) {
        List<Record> out = new ArrayList<>();
        for (Record r : ns) {
            if (r instanceof NSRecord n && n.getTarget().subdomain(n.getName())) {
                Node target = search(n.getTarget());
                if (target != null) {
                    out.addAll(target.type(Type.A));
                    out.addAll(target.type(Type.AAAA));
                }
            }
        }
        return out;
    }

    /** A and AAAA of the in-zone targets of SRV, MX, SVCB and HTTPS answers, each target once. */
    List<Record> additional(List<Record> answer) {
        List<Record> out = new ArrayList<>();
        List<Name> seen = new ArrayList<>();
        for (Record rr : answer) {
            Name target = switch (rr) {
                case SRVRecord x -> x.getTarget();
                case MXRecord x -> x.getTarget();
                case SVCBRecord x -> x.getTargetName();
                case HTTPSRecord x -> x.getTargetName();
                default -> null;
            };
            if (target == null || !target.subdomain(origin) || seen.contains(target)) {
                continue;
            }
            seen.add(target);
            Node n = search(target);
            if (n != null) {
                out.addAll(n.type(Type.A));
                out.addAll(n.type(Type.AAAA));
            }
        }
        return out;
    }

    /** Every record, the SOA first and last (a zone transfer). */
    List<Record> all() {
        List<Record> out = new ArrayList<>();
        out.add(soa);
        out.addAll(apexNs);
        for (Node n : tree.values()) {
            n.types.values().forEach(out::addAll);
        }
        out.add(soa);
        return out;
    }
}
