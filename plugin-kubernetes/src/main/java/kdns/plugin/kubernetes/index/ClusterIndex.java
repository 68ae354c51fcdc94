package kdns.plugin.kubernetes.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;

/**
 * The in-memory view of the cluster that answers come from: services, EndpointSlices grouped by
 * service, pods and namespaces, plus the reverse indexes (cluster IP to services, endpoint IP to
 * slices, pod IP to pods). Updates are per object and incremental; they are serialised by a lock
 * while reads are lock-free (concurrent maps of immutable values), so query threads never wait on
 * an informer.
 *
 * <p>The modification time (the SOA serial) moves on every add or delete and on updates that
 * change DNS-relevant data, like CoreDNS's {@code Modified}.
 */
public final class ClusterIndex {

    private final ConcurrentHashMap<String, ServiceInfo> services = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<String>> servicesByClusterIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<String>> servicesByExternalIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SliceInfo> slices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<SliceInfo>> slicesByService = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<SliceInfo>> slicesByIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PodInfo> pods = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<PodInfo>> podsByIp = new ConcurrentHashMap<>();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final AtomicLong modified = new AtomicLong();
    private final AtomicLong externalModified = new AtomicLong();
    private final LongSupplier clock;
    private final Object lock = new Object();

    public ClusterIndex() {
        this(() -> System.currentTimeMillis() / 1000);
    }

    /** @param clock the time in Unix seconds, for the SOA serial */
    public ClusterIndex(LongSupplier clock) {
        this.clock = clock;
        modified.set(clock.getAsLong());
        externalModified.set(modified.get());
    }

    /**
     * The canonical text of an IP for lookups, or the lower-cased input when it is not an IP. An
     * input already canonical (nearly every address the API sends) is returned itself, so the
     * reverse indexes share the entries' strings instead of holding a copy of each address.
     */
    public static String ipKey(String ip) {
        String c = IpLiterals.canonical(ip);
        if (c == null) {
            c = ip.toLowerCase(Locale.ROOT);
        }
        return c.equals(ip) ? ip : c;
    }

    /**
     * The entry the index holds for the same object when it equals {@code info} (a {@link
     * ServiceInfo}, {@link SliceInfo} or {@link PodInfo}), else {@code info}. A relist (after 410
     * Gone) brings every object again, mostly unchanged: keeping the held entry lets the new copy
     * go at once, so the relist does not hold the whole cluster twice.
     */
    public Object current(Object info) {
        Object held = switch (info) {
            case ServiceInfo s -> services.get(s.key());
            case SliceInfo s -> slices.get(s.key());
            case PodInfo p -> pods.get(p.key());
            case null, default -> null;
        };
        return held != null && held.equals(info) ? held : info;
    }

    // ---- updates ------------------------------------------------------------------------------

    /** Adds or replaces a service. */
    public void putService(ServiceInfo s) {
        synchronized (lock) {
            String key = s.key(); // one string for the map and the reverse indexes
            ServiceInfo old = services.put(key, s);
            if (old == s) {
                return; // the entry it holds (current): nothing changes
            }
            if (old != null) {
                for (String ip : old.addressIPs()) {
                    removeFrom(servicesByClusterIp, ipKey(ip), key);
                }
                for (String ip : old.externalIPs()) {
                    removeFrom(servicesByExternalIp, ipKey(ip), key);
                }
            }
            for (String ip : s.addressIPs()) {
                addTo(servicesByClusterIp, ipKey(ip), key);
            }
            for (String ip : s.externalIPs()) {
                addTo(servicesByExternalIp, ipKey(ip), key);
            }
            if (old == null || !old.equals(s)) {
                touch();
                if (!s.externalIPs().isEmpty() || (old != null && !old.externalIPs().isEmpty())) {
                    externalModified.set(clock.getAsLong());
                }
            }
        }
    }

    /** Removes a service by namespace and name. */
    public void removeService(String namespace, String name) {
        synchronized (lock) {
            ServiceInfo old = services.remove(namespace + "/" + name);
            if (old != null) {
                for (String ip : old.addressIPs()) {
                    removeFrom(servicesByClusterIp, ipKey(ip), old.key());
                }
                for (String ip : old.externalIPs()) {
                    removeFrom(servicesByExternalIp, ipKey(ip), old.key());
                }
                touch();
                if (!old.externalIPs().isEmpty()) {
                    externalModified.set(clock.getAsLong());
                }
            }
        }
    }

    /** Adds or replaces an EndpointSlice. */
    public void putSlice(SliceInfo s) {
        synchronized (lock) {
            SliceInfo old = slices.put(s.key(), s);
            if (old == s) {
                return;
            }
            if (old != null) {
                unindexSlice(old);
            }
            indexSlice(s);
            if (old == null || !old.sameDnsData(s)) {
                touch();
            }
        }
    }

    /** Removes an EndpointSlice by namespace and name. */
    public void removeSlice(String namespace, String name) {
        synchronized (lock) {
            SliceInfo old = slices.remove(namespace + "/" + name);
            if (old != null) {
                unindexSlice(old);
                touch();
            }
        }
    }

    /** Adds or replaces a pod. */
    public void putPod(PodInfo p) {
        synchronized (lock) {
            PodInfo old = pods.put(p.key(), p);
            if (old == p) {
                return;
            }
            if (old != null && !old.ip().isEmpty()) {
                removeFrom(podsByIp, ipKey(old.ip()), old);
            }
            if (!p.ip().isEmpty()) {
                addTo(podsByIp, ipKey(p.ip()), p);
            }
            if (old == null || !old.ip().equals(p.ip())) {
                touch();
            }
        }
    }

    /** Removes a pod by namespace and name. */
    public void removePod(String namespace, String name) {
        synchronized (lock) {
            PodInfo old = pods.remove(namespace + "/" + name);
            if (old != null) {
                if (!old.ip().isEmpty()) {
                    removeFrom(podsByIp, ipKey(old.ip()), old);
                }
                touch();
            }
        }
    }

    /** Records that a namespace exists (and passed the namespace label selector). */
    public void putNamespace(String name) {
        if (namespaces.add(name)) {
            touch();
        }
    }

    public void removeNamespace(String name) {
        if (namespaces.remove(name)) {
            touch();
        }
    }

    private void indexSlice(SliceInfo s) {
        addTo(slicesByService, s.serviceKey(), s);
        for (String ip : s.endpoints().stream().map(e -> ipKey(e.address())).distinct().toList()) {
            addTo(slicesByIp, ip, s);
        }
    }

    private void unindexSlice(SliceInfo s) {
        removeFrom(slicesByService, s.serviceKey(), s);
        for (String ip : s.endpoints().stream().map(e -> ipKey(e.address())).distinct().toList()) {
            removeFrom(slicesByIp, ip, s);
        }
    }

    private static <T> void addTo(ConcurrentHashMap<String, List<T>> map, String key, T value) {
        map.compute(key, (k, list) -> {
            List<T> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            next.add(value);
            return List.copyOf(next);
        });
    }

    private static <T> void removeFrom(ConcurrentHashMap<String, List<T>> map, String key, T value) {
        map.computeIfPresent(key, (k, list) -> {
            List<T> next = new ArrayList<>(list);
            next.remove(value);
            return next.isEmpty() ? null : List.copyOf(next);
        });
    }

    private void touch() {
        modified.set(clock.getAsLong());
    }


    // ---- reads --------------------------------------------------------------------------------

    /** Unix seconds of the last DNS-relevant change. */
    public long modified() {
        return modified.get();
    }

    /**
     * Unix seconds of the last change of a Service with external IPs (the k8s_external SOA serial,
     * CoreDNS's {@code Modified(external)}).
     */
    public long externalModified() {
        return externalModified.get();
    }

    public ServiceInfo service(String namespace, String name) {
        return services.get(namespace + "/" + name);
    }

    /** Every service, in no particular order. */
    public List<ServiceInfo> services() {
        return List.copyOf(services.values());
    }

    /** The slices of a service (grouped by the service-name label), possibly empty. */
    public List<SliceInfo> slicesOf(String namespace, String service) {
        return slicesByService.getOrDefault(namespace + "/" + service, List.of());
    }

    /** The services whose cluster IPs contain {@code ip}, in the order they were added. */
    public List<ServiceInfo> servicesByClusterIp(String ip) {
        return servicesOf(servicesByClusterIp.getOrDefault(ipKey(ip), List.of()));
    }

    /**
     * The services whose external IPs ({@code spec.externalIPs}, load-balancer ingress IPs) contain
     * {@code ip}, in the order they were added.
     */
    public List<ServiceInfo> servicesByExternalIp(String ip) {
        return servicesOf(servicesByExternalIp.getOrDefault(ipKey(ip), List.of()));
    }

    /** The services of these keys that still exist, in order. */
    private List<ServiceInfo> servicesOf(List<String> keys) {
        List<ServiceInfo> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            ServiceInfo s = services.get(k);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The slices with a ready endpoint address equal to {@code ip}. */
    public List<SliceInfo> slicesByIp(String ip) {
        return slicesByIp.getOrDefault(ipKey(ip), List.of());
    }

    /** The pods whose primary IP is {@code ip}. */
    public List<PodInfo> podsByIp(String ip) {
        return podsByIp.getOrDefault(ipKey(ip), List.of());
    }

    public boolean namespaceExists(String name) {
        return namespaces.contains(name);
    }

    /** Counts, for logs and tests. */
    public String summary() {
        return services.size() + " services, " + slices.size() + " endpointslices, " + pods.size() + " pods, "
                + namespaces.size() + " namespaces";
    }
}
