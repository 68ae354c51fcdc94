package kdns.plugin.kubernetes.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The content of a zone transfer of a kubernetes zone (CoreDNS's {@code xfr.go}), listed from the
 * index: the SOA, the apex NS records and their glue, then every exposed Service in namespace and
 * name order (ExternalName CNAMEs; cluster IPs with a bare SRV per port and a
 * {@code _port._proto} SRV per named port, weight 100; for headless Services each ready address of
 * each EndpointSlice under the Service and endpoint names, SRV weights per slice), and the SOA
 * again. No pod records, endpoint names of ClusterIP Services, {@code dns-version} or zonal names,
 * as in CoreDNS.
 */
public final class ZoneTransfer {

    private ZoneTransfer() {
    }

    /**
     * The records of a transfer of {@code zone} (one of the answerer's forward zones) to a client
     * holding {@code clientSerial} (-1 for AXFR): only the SOA when that serial is current.
     */
    public static List<Record> records(Answerer answerer, String zone, long clientSerial) {
        KubernetesConfig config = answerer.config();
        ClusterIndex index = answerer.index();
        Name origin = name(zone);
        Message apexSoa = apex(answerer, origin, Type.SOA);
        SOARecord soa = null;
        for (Record r : apexSoa.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord s) {
                soa = s;
            }
        }
        if (soa == null) {
            return null;
        }
        if (clientSerial >= 0 && clientSerial >= soa.getSerial()) {
            return List.of(soa);
        }
        List<Record> out = new ArrayList<>();
        out.add(soa);
        Message ns = apex(answerer, origin, Type.NS);
        out.addAll(ns.getSection(Section.ANSWER));
        for (Record glue : ns.getSection(Section.ADDITIONAL)) {
            if (glue.getType() == Type.A || glue.getType() == Type.AAAA) {
                // CoreDNS's transfer takes the glue from nsAddrs, which sets no TTL.
                out.add(Record.newRecord(glue.getName(), glue.getType(), glue.getDClass(), 0,
                        glue.rdataToWireCanonical()));
            }
        }
        List<ServiceInfo> services = new ArrayList<>(index.services());
        services.sort(Comparator.comparing(ServiceInfo::namespace).thenComparing(ServiceInfo::name));
        long ttl = config.ttl();
        for (ServiceInfo svc : services) {
            if (!config.configuredNamespace(svc.namespace()) || !index.namespaceExists(svc.namespace())) {
                continue;
            }
            Name owner = name(svc.name() + "." + svc.namespace() + ".svc." + zone);
            if (owner == null) {
                continue;
            }
            if (svc.externalNameType()) {
                Name target = IpLiterals.isLiteral(svc.externalName()) ? null : name(fqdn(svc.externalName()));
                if (target != null) {
                    out.add(new CNAMERecord(owner, DClass.IN, ttl, target));
                }
            } else if (svc.headless()) {
                for (SliceInfo slice : index.slicesOf(svc.namespace(), svc.name())) {
                    headless(out, owner, slice, config, ttl);
                }
            } else {
                for (String ip : svc.addressIPs()) {
                    Record a = address(owner, ip, ttl);
                    if (a != null) {
                        out.add(a);
                    }
                }
                for (Port p : svc.ports()) {
                    if (p.port() < 0) {
                        continue;
                    }
                    out.add(new SRVRecord(owner, DClass.IN, ttl, 0, 100, p.port(), owner));
                    Name named = portName(p, owner);
                    if (named != null) {
                        out.add(new SRVRecord(named, DClass.IN, ttl, 0, 100, p.port(), owner));
                    }
                }
            }
        }
        out.add(soa);
        return out;
    }

    private static void headless(List<Record> out, Name owner, SliceInfo slice, KubernetesConfig config, long ttl) {
        List<Endpoint> ready = slice.endpoints();
        if (ready.isEmpty()) {
            return;
        }
        int weight = 100 / ready.size();
        for (Endpoint e : ready) {
            Record a = address(owner, e.address(), ttl);
            Name endpoint = name(e.dnsName(config.endpointPodNames()) + "." + owner);
            if (a == null || endpoint == null) {
                continue;
            }
            out.add(a);
            out.add(address(endpoint, e.address(), ttl));
            for (Port p : slice.ports()) {
                Name named = p.port() < 0 ? null : portName(p, owner);
                if (named != null) {
                    out.add(new SRVRecord(named, DClass.IN, ttl, 0, weight, p.port(), endpoint));
                }
            }
        }
    }

    /** {@code _name._proto.<owner>} for a named port, else null. */
    private static Name portName(Port p, Name owner) {
        if (p.name().isEmpty()) {
            return null;
        }
        return name("_" + p.name().toLowerCase(Locale.ROOT) + "._" + p.lowerProtocol() + "." + owner);
    }

    /** The answer the answerer gives a query of {@code type} at the apex, over TCP from nowhere. */
    private static Message apex(Answerer answerer, Name origin, int type) {
        Message q = Message.newQuery(Record.newRecord(origin, type, DClass.IN));
        Request r = new Request(q, Transport.TCP, new InetSocketAddress(0), new InetSocketAddress(0), origin.toString());
        Answerer.Outcome o = answerer.answer(r);
        return o instanceof Answerer.Reply reply ? reply.message() : new Message();
    }

    private static Record address(Name owner, String ip, long ttl) {
        byte[] raw = IpLiterals.parse(ip);
        if (raw == null) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByAddress(raw);
            return raw.length == 4 ? new ARecord(owner, DClass.IN, ttl, a) : new AAAARecord(owner, DClass.IN, ttl, a);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String fqdn(String n) {
        return n.endsWith(".") ? n : n + ".";
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            return null;
        }
    }
}
