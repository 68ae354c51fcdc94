package kdns.plugin.kubernetes.dns;

import java.util.ArrayList;
import java.util.List;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ReverseZones;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesConfig.PodMode;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.index.ServiceTable;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;

/**
 * Which cluster names exist and what they hold, from the {@link ClusterIndex} (CoreDNS's
 * kubernetes.go Records, findPods, findServices and reverse.go's serviceRecordForIP): items, not
 * records; {@link Answerer} builds the records of each query type from them. Thread-safe; never
 * blocks.
 */
final class ClusterLookup {

    /**
     * One internal record, CoreDNS's msg.Service: an address, a name (CNAME/PTR target) or a text.
     * {@code key} is CoreDNS's key as a name below the zone ({@code <svc>.<ns>.svc},
     * {@code <endpoint>.<svc>.<ns>.svc}, {@code <pod>.<ns>.pod}), which SRV answers use as target;
     * empty for the items of a lookup made without keys ({@link #records}). {@code address}: the
     * bytes of {@code host} when the index holds them parsed already (a Service's one cluster IP),
     * else null; never changed.
     */
    record Item(String host, int port, String key, long ttl, boolean text, byte[] address) {
        Item(String host, int port, String key, long ttl, boolean text) {
            this(host, port, key, ttl, text, null);
        }
    }

    /** The items found for a name, or a name error. */
    record Found(List<Item> items, boolean nameError) {
        static final Found NAME_ERROR = new Found(List.of(), true);
        static final Found EMPTY = new Found(List.of(), false);
    }

    private final KubernetesConfig config;
    private final ClusterIndex index;

    ClusterLookup(KubernetesConfig config, ClusterIndex index) {
        this.config = config;
        this.index = index;
    }

    /**
     * The items of a name in a zone of {@code zoneLength} characters (kubernetes.go's Records).
     * {@code keys}: whether the items need their {@link Item#key}, which only SRV targets use;
     * without, service items carry an empty key and no key string is put together per query.
     */
    Found records(String name, int zoneLength, boolean keys) {
        Found usual = usualService(name, zoneLength, keys);
        if (usual != null) {
            return usual;
        }
        QueryName r = QueryName.parse(name, zoneLength, config.zonal());
        if (r.invalid()) {
            return Found.NAME_ERROR;
        }
        if (r.apexish()) {
            return Found.EMPTY;
        }
        if (ReverseZones.isReverse(name)) {
            return Found.NAME_ERROR;
        }
        if (!namespaceExposed(r.namespace())) {
            return Found.NAME_ERROR;
        }
        if (r.kind().equals(QueryName.POD)) {
            return findPods(r, keys);
        }
        return findServices(r, keys);
    }

    /**
     * {@link #records} for the usual name, {@code <service>.<namespace>.svc.<zone>} (no escapes),
     * read in place: the index is asked with the name's own characters, and a ClusterIP Service
     * with one port and one address gets its item from what the index holds, with the address's
     * bytes; null for every other name, which {@link #records} parses. The answers are the ones
     * {@link #findServices} gives the parsed name: no such service is a name error whether or not
     * the namespace is exposed, and a found one is answered only when its namespace is.
     */
    private Found usualService(String name, int zoneLength, boolean keys) {
        int kindDot = QueryName.usualServiceKindDot(name, zoneLength);
        if (kindDot < 0) {
            return null;
        }
        if (ReverseZones.isReverse(name)) {
            return Found.NAME_ERROR;
        }
        ServiceTable.Entry e = index.service(name, 0, kindDot);
        if (e == null) {
            return Found.NAME_ERROR;
        }
        if (!namespaceExposed(e.namespace())) {
            return Found.NAME_ERROR;
        }
        if (!e.singleAddress() || config.ignoreEmptyService()) {
            ServiceInfo svc = e.service();
            return findServices(new QueryName("", "", "", svc.name(), svc.namespace(), QueryName.SVC, false), svc, keys);
        }
        String svcKey = keys ? e.service().name() + "." + e.namespace() + "." + QueryName.SVC : "";
        return new Found(List.of(new Item(e.clusterIp(), e.port(), svcKey, config.ttl(), false, e.clusterIpBytes())),
                false);
    }

    /** CoreDNS's namespaceExposed: allowed by {@code namespaces} and present in the (label-filtered) index. */
    boolean namespaceExposed(String ns) {
        return config.configuredNamespace(ns) && index.namespaceExists(ns);
    }

    private Found findPods(QueryName r, boolean keys) {
        if (config.pods() == PodMode.DISABLED) {
            return Found.NAME_ERROR;
        }
        String podname = r.service();
        if (podname.isEmpty()) {
            return Found.EMPTY;
        }
        // the SRV target below the zone (CoreDNS's key zonePath/pod/<namespace>/<podname>)
        String key = keys ? podname + "." + r.namespace() + "." + QueryName.POD : "";
        String ip;
        if (podname.chars().filter(ch -> ch == '-').count() == 3 && !podname.contains("--")) {
            ip = podname.replace('-', '.');
        } else {
            ip = podname.replace('-', ':');
        }
        if (config.pods() == PodMode.INSECURE) {
            if (IpLiterals.parseUnmapped(ip) == null) {
                return Found.NAME_ERROR;
            }
            return new Found(List.of(new Item(ip, 0, key, config.ttl(), false)), false);
        }
        List<Item> items = new ArrayList<>();
        for (PodInfo p : index.podsByIp(ip)) {
            if (p.ip().equals(ip) && p.namespace().equalsIgnoreCase(r.namespace())) {
                items.add(new Item(ip, 0, key, config.ttl(), false));
            }
        }
        return items.isEmpty() ? Found.NAME_ERROR : new Found(items, false);
    }

    private Found findServices(QueryName r, boolean keys) {
        if (r.service().isEmpty()) {
            return Found.EMPTY;
        }
        ServiceInfo svc = index.service(r.namespace(), r.service());
        if (svc == null) {
            return Found.NAME_ERROR;
        }
        return findServices(r, svc, keys);
    }

    /** {@link #findServices(QueryName, boolean)} with the name's service found. */
    private Found findServices(QueryName r, ServiceInfo svc, boolean keys) {
        boolean clusterIpAnswer = !svc.externalNameType() && !svc.headless() && r.endpoint().isEmpty()
                && r.topologyZone().isEmpty();
        // A ClusterIP answer needs the endpoints only for ignore empty_service.
        List<SliceInfo> slices = config.noEndpoints() || (clusterIpAnswer && !config.ignoreEmptyService())
                ? List.of() : index.slicesOf(svc.namespace(), svc.name());
        if (config.ignoreEmptyService() && !svc.externalNameType() && !svc.headless()) {
            int ready = 0;
            for (SliceInfo s : slices) {
                ready += s.endpoints().size();
            }
            if (ready == 0) {
                return Found.NAME_ERROR;
            }
        }
        String svcKey = keys ? svc.name() + "." + svc.namespace() + "." + QueryName.SVC : "";
        if (svc.externalNameType()) {
            // CoreDNS's findServices skips an ExternalName Service for any name longer than the
            // service's own: an endpoint, a _port._proto pair (whatever the Service's ports) or a
            // zone-scoped name (those are for headless Services only).
            if (!r.endpoint().isEmpty() || !r.port().isEmpty() || !r.protocol().isEmpty()
                    || !r.topologyZone().isEmpty()) {
                return Found.NAME_ERROR;
            }
            String target = svc.externalName();
            if (target.isEmpty() || IpLiterals.parseUnmapped(target) != null) {
                return Found.NAME_ERROR; // an IP-valued externalName is ignored, like CoreDNS
            }
            return new Found(List.of(new Item(Answerer.fqdn(target), 0, svcKey, config.ttl(), false)), false);
        }
        boolean found = false;
        if (!r.topologyZone().isEmpty()) {
            return zonal(r, svc, svcKey, keys, slices);
        }
        if (svc.headless() || !r.endpoint().isEmpty()) {
            List<Item> items = new ArrayList<>();
            for (SliceInfo s : slices) {
                for (Endpoint e : s.endpoints()) {
                    String epName = e.dnsName(config.endpointPodNames());
                    if (!r.endpoint().isEmpty() && !r.endpoint().equalsIgnoreCase(epName)) {
                        continue;
                    }
                    for (Port p : s.ports()) {
                        if (!p.matches(r.port(), r.protocol())) {
                            continue;
                        }
                        found = true;
                        items.add(new Item(e.address(), p.port(), keys ? epName + "." + svcKey : "", config.ttl(),
                                false));
                    }
                }
            }
            return found ? new Found(items, false) : Found.NAME_ERROR;
        }
        List<Port> ports = svc.ports();
        List<String> ips = svc.clusterIPs();
        if (ports.size() == 1 && ips.size() == 1) {
            // The usual Service (one port, one cluster IP): one item, no list to grow.
            Port p = ports.get(0);
            return p.matches(r.port(), r.protocol())
                    ? new Found(List.of(new Item(ips.get(0), p.port(), svcKey, config.ttl(), false)), false)
                    : Found.NAME_ERROR;
        }
        List<Item> items = new ArrayList<>(ports.size() * ips.size());
        for (Port p : ports) {
            if (!p.matches(r.port(), r.protocol())) {
                continue;
            }
            found = true;
            for (String ip : ips) {
                items.add(new Item(ip, p.port(), svcKey, config.ttl(), false));
            }
        }
        return found ? new Found(items, false) : Found.NAME_ERROR;
    }

    /**
     * {@code <zone>.pin|prefer._zone.<svc>...}: a headless service's ready endpoints in that
     * topology zone ({@code pin}: none is NODATA; {@code prefer}: none means all endpoints).
     */
    private Found zonal(QueryName r, ServiceInfo svc, String svcKey, boolean keys, List<SliceInfo> slices) {
        if (!svc.headless()) {
            return Found.NAME_ERROR;
        }
        List<Item> inZone = new ArrayList<>();
        List<Item> all = new ArrayList<>();
        for (SliceInfo s : slices) {
            for (Endpoint e : s.endpoints()) {
                String epName = e.dnsName(config.endpointPodNames());
                boolean match = e.zone().equalsIgnoreCase(r.topologyZone());
                for (Port p : s.ports()) {
                    Item i = new Item(e.address(), p.port(), keys ? epName + "." + svcKey : "", config.ttl(), false);
                    all.add(i);
                    if (match) {
                        inZone.add(i);
                    }
                }
            }
        }
        if (inZone.isEmpty() && r.preferZone()) {
            return new Found(all, false);
        }
        return new Found(inZone, false);
    }

    /** reverse.go's serviceRecordForIP: the first service with that cluster IP, else every endpoint. */
    List<Item> reverse(String ip) {
        String primary = config.primaryZone();
        for (ServiceInfo s : index.servicesByClusterIp(ip)) {
            if (!config.configuredNamespace(s.namespace())) {
                continue;
            }
            return List.of(new Item(s.name() + "." + s.namespace() + ".svc." + primary, 0, "", config.ttl(), false));
        }
        if (config.noEndpoints()) {
            return List.of();
        }
        Object key = ClusterIndex.addressKey(ip);
        List<Item> out = new ArrayList<>();
        for (SliceInfo s : index.slicesByIp(ip)) {
            if (!config.configuredNamespace(s.namespace())) {
                continue;
            }
            for (Endpoint e : s.endpoints()) {
                if (ClusterIndex.addressKey(e).equals(key)) {
                    out.add(new Item(e.dnsName(config.endpointPodNames()) + "." + s.serviceName() + "." + s.namespace()
                            + ".svc." + primary, 0, "", config.ttl(), false));
                }
            }
        }
        return out;
    }
}
