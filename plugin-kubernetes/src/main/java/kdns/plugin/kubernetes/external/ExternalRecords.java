package kdns.plugin.kubernetes.external;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Rcodes;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ReverseZones;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import org.xbill.DNS.Type;

/**
 * What k8s_external asks of the kubernetes plugin (CoreDNS's {@code Externaler}: External,
 * ExternalReverse, ExternalAddress), read from the kubernetes plugin's in-memory index with its
 * configuration (namespace exposure, {@code noendpoints}, {@code endpoint_pod_names}, its TTL).
 * Stateless and thread-safe; nothing here touches the network.
 */
final class ExternalRecords {

    /**
     * One CoreDNS msg.Service.
     *
     * @param host an IP (an address record), a host name (a CNAME: a load-balancer ingress
     *             {@code hostname}), or for PTR the target below the first zone ({@code svc.ns})
     * @param port the port, -1 for a service without ports (no SRV record)
     * @param key  the owner below the zone: {@code svc.ns}, or {@code endpoint.svc.ns}
     */
    record Item(String host, int port, String key) {
    }

    /** The items found for a name and the rcode when there are none (NOERROR: NODATA). */
    record Found(List<Item> items, int rcode) {
        static final Found NXDOMAIN = new Found(List.of(), Rcodes.NXDOMAIN);
        static final Found NODATA = new Found(List.of(), Rcodes.NOERROR);
    }

    private ExternalRecords() {
    }

    /**
     * CoreDNS's {@code Kubernetes.External}: the services (or, with {@code headless}, endpoints)
     * for {@code <svc>.<ns>.<zone>}, {@code <endpoint>.<svc>.<ns>.<zone>} and
     * {@code _<port>._<proto>.<svc>.<ns>.<zone>}; for a PTR query of a reverse name, the services
     * with that external IP.
     *
     * @param name the lower-cased query name, below {@code zone}
     * @param zone the matched zone (lower case)
     */
    static Found find(Answerer k8s, String name, String zone, int qtype, boolean headless) {
        if (qtype == Type.PTR) {
            InetAddress ip = reverseAddress(name);
            if (ip != null) {
                List<Item> items = reverse(k8s, IpLiterals.format(ip));
                return items.isEmpty() ? Found.NXDOMAIN : new Found(items, Rcodes.NOERROR);
            }
            // an invalid reverse name: the rcode of the name below decides NXDOMAIN or NODATA
        }
        String base = base(name, zone);
        if (base.isEmpty()) {
            return new Found(List.of(), Rcodes.SERVFAIL); // the apex is answered before this
        }
        List<String> segs = List.of(base.split("\\.", -1));
        int last = segs.size() - 1;
        String namespace = segs.get(last);
        if (!k8s.namespaceExposed(namespace)) {
            return Found.NXDOMAIN;
        }
        last--;
        if (last < 0) {
            return Found.NODATA;
        }
        String service = segs.get(last--);
        String endpoint = "";
        String port = "";
        String protocol = "";
        if (last == 0) {
            endpoint = stripUnderscore(segs.get(0));
            last--;
        } else if (last == 1) {
            protocol = stripUnderscore(segs.get(1));
            port = stripUnderscore(segs.get(0));
            last -= 2;
        }
        if (last != -1) {
            return Found.NXDOMAIN; // too long
        }
        ClusterIndex index = k8s.index();
        KubernetesConfig config = k8s.config();
        ServiceInfo svc = index.service(namespace, service);
        if (svc == null) {
            return Found.NXDOMAIN;
        }
        List<Item> items = new ArrayList<>();
        boolean found = false;
        String svcKey = svc.name() + "." + svc.namespace();
        if (headless && svc.externalIPs().isEmpty() && (svc.headless() || !endpoint.isEmpty())) {
            List<SliceInfo> slices = config.noEndpoints() ? List.of() : index.slicesOf(svc.namespace(), svc.name());
            for (SliceInfo s : slices) {
                for (Endpoint e : s.endpoints()) {
                    String epName = e.dnsName(config.endpointPodNames());
                    if (!endpoint.isEmpty() && !endpoint.equalsIgnoreCase(epName)) {
                        continue;
                    }
                    for (Port p : s.ports()) {
                        if (p.matches(port, protocol)) {
                            found = true;
                            items.add(new Item(e.address(), p.port(), epName + "." + svcKey));
                        }
                    }
                }
            }
        } else {
            // CoreDNS's quirk: without the headless path an endpoint label is not checked.
            for (String ip : svc.externalIPs()) {
                for (Port p : svc.ports()) {
                    if (p.matches(port, protocol)) {
                        found = true;
                        items.add(new Item(ip, p.port(), svcKey));
                    }
                }
            }
        }
        if (!found) {
            return Found.NXDOMAIN;
        }
        if (qtype == Type.PTR) {
            return Found.NODATA; // a forward name asked for PTR: the rcode only
        }
        return new Found(items, Rcodes.NOERROR);
    }

    /** serviceRecordForExternalIP: every exposed service with this external IP, as {@code svc.ns}. */
    private static List<Item> reverse(Answerer k8s, String ip) {
        List<Item> out = new ArrayList<>();
        for (ServiceInfo s : k8s.index().servicesByExternalIp(ip)) {
            if (k8s.namespaceExposed(s.namespace())) {
                out.add(new Item(s.name() + "." + s.namespace(), 0, ""));
            }
        }
        return out;
    }

    /**
     * CoreDNS's {@code ExternalAddress} (nsAddrs with external set): for the server's own
     * addresses that are endpoints of a Service, that Service's external IPs (with
     * {@code headless}, a headless Service's endpoint IPs); when none of them is an endpoint, the
     * addresses themselves.
     */
    static List<InetAddress> nameServerAddresses(Answerer k8s, boolean headless) {
        KubernetesConfig config = k8s.config();
        ClusterIndex index = k8s.index();
        List<InetAddress> local = k8s.localIps();
        List<InetAddress> out = new ArrayList<>();
        boolean foundEndpoint = false;
        for (InetAddress localIp : local) {
            List<SliceInfo> slices = config.noEndpoints() ? List.of() : index.slicesByIp(IpLiterals.format(localIp));
            for (SliceInfo s : slices) {
                foundEndpoint = true; // in any namespace: nsAddrs does not look at namespaces or namespace_labels
                ServiceInfo svc = index.service(s.namespace(), s.serviceName());
                if (svc == null) {
                    continue;
                }
                if (headless && svc.headless()) {
                    for (Endpoint e : s.endpoints()) {
                        addIp(out, e.address());
                    }
                } else {
                    for (String ip : svc.externalIPs()) {
                        addIp(out, ip);
                    }
                }
            }
        }
        if (!foundEndpoint) {
            out.addAll(local);
        }
        return out;
    }

    /** Adds {@code ip} when it is an address (a load-balancer host name makes no glue). */
    private static void addIp(List<InetAddress> out, String ip) {
        byte[] raw = IpLiterals.parseUnmapped(ip);
        if (raw != null) {
            out.add(IpLiterals.address(raw));
        }
    }

    private static InetAddress reverseAddress(String name) {
        return ReverseZones.isReverse(name) ? ReverseZones.addressOf(name) : null;
    }

    /** The labels of {@code name} left of {@code zone}, without the trailing dot ({@code ""} at the apex). */
    static String base(String name, String zone) {
        if (name.length() <= zone.length()) {
            return "";
        }
        String b = name.substring(0, name.length() - zone.length());
        return b.endsWith(".") ? b.substring(0, b.length() - 1) : b;
    }

    /** {@code label.zone}, also for the root zone. */
    static String join(String label, String zone) {
        return zone.equals(".") ? label + "." : label + "." + zone;
    }

    private static String stripUnderscore(String s) {
        return s.startsWith("_") ? s.substring(1) : s;
    }
}
