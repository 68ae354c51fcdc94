package kdns.plugin.kubernetes.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.model.Ipv4Text;
import kdns.plugin.kubernetes.model.Named;
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
 *
 * <p>Slices and pods are not kept by name: the informers' store holds them already, and hands the
 * one it held to {@link #putSlice}, {@link #removeSlice}, {@link #putPod} and {@link #removePod} to
 * be taken out of the reverse indexes (a map by name here was a second node and table slot per
 * object, only ever read to find that previous value).
 *
 * <p>Services are kept in one open-addressing table ({@link ServiceTable}) that a query name is
 * looked up in without being cut into strings.
 *
 * <p>Memory (a large cluster's index is most of the heap): a reverse
 * index entry with one value (nearly all: one service per cluster IP, one slice per endpoint IP)
 * holds that value itself rather than a one-element list ({@link OneOrMore}). Endpoint IPv4
 * addresses are held as ints by the endpoints ({@link Endpoint}) and by the endpoint-IP index
 * ({@link Ipv4Map}), with no string or boxed key per address.
 */
public final class ClusterIndex {

    private final ServiceTable services = new ServiceTable();
    private final ConcurrentHashMap<String, Object> servicesByClusterIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> servicesByExternalIp = new ConcurrentHashMap<>();
    /** Per namespace, by service name: the service's slices ({@link OneOrMore}). */
    private final ByNamespace<Object> slicesByService = new ByNamespace<>();
    /** Slices by endpoint address: canonical IPv4 addresses (nearly all) in a compact map, others by {@link #ipKey}. */
    private final Ipv4Map slicesByIpv4 = new Ipv4Map();
    private final ConcurrentHashMap<String, Object> slicesByOtherIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> podsByIp = new ConcurrentHashMap<>();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final AtomicLong modified = new AtomicLong();
    private final AtomicLong externalModified = new AtomicLong();
    /** Slices and pods held, for {@link #summary}; changed and read under {@link #lock}. */
    private int sliceCount;
    private int podCount;
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
     * The key the endpoint-IP index files {@code ip} under: a canonical IPv4 address as an Integer
     * (16 bytes, where its text would be about 56 and the endpoint holds no text to share), any
     * other as its {@link #ipKey}.
     */
    public static Object addressKey(String ip) {
        String k = ipKey(ip);
        return Ipv4Text.isCanonical(k) ? Integer.valueOf(Ipv4Text.parse(k)) : k;
    }

    /** {@link #addressKey(String)} of the endpoint's address, without making its text. */
    public static Object addressKey(Endpoint e) {
        return e.isCompactIpv4() ? Integer.valueOf(e.ipv4()) : addressKey(e.address());
    }

    // ---- updates ------------------------------------------------------------------------------

    /** Adds or replaces a service. */
    public void putService(ServiceInfo s) {
        synchronized (lock) {
            ServiceInfo old = services.put(s);
            if (old == s) {
                return; // the entry it holds (a relist of an unchanged service): nothing changes
            }
            if (old != null) {
                unindexService(old);
            }
            for (String ip : s.addressIPs()) {
                OneOrMore.add(servicesByClusterIp, ipKey(ip), s);
            }
            for (String ip : s.externalIPs()) {
                OneOrMore.add(servicesByExternalIp, ipKey(ip), s);
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
            ServiceInfo old = services.remove(namespace, name);
            if (old != null) {
                unindexService(old);
                touch();
                if (!old.externalIPs().isEmpty()) {
                    externalModified.set(clock.getAsLong());
                }
            }
        }
    }

    private void unindexService(ServiceInfo old) {
        for (String ip : old.addressIPs()) {
            OneOrMore.remove(servicesByClusterIp, ipKey(ip), old);
        }
        for (String ip : old.externalIPs()) {
            OneOrMore.remove(servicesByExternalIp, ipKey(ip), old);
        }
    }

    /**
     * Adds or replaces an EndpointSlice.
     *
     * @param previous the slice of the same namespace and name this index holds (what the last
     *                 put of it handed over), or null when it holds none
     */
    public void putSlice(SliceInfo previous, SliceInfo s) {
        sameObject(previous, s);
        synchronized (lock) {
            if (previous == s) {
                return; // the entry it holds (a relist of an unchanged slice): nothing changes
            }
            if (previous != null) {
                unindexSlice(previous);
            } else {
                sliceCount++;
            }
            indexSlice(s);
            if (previous == null || !previous.sameDnsData(s)) {
                touch();
            }
        }
    }

    /** Removes an EndpointSlice: {@code previous}, the one this index holds (nothing when null). */
    public void removeSlice(SliceInfo previous) {
        if (previous == null) {
            return;
        }
        synchronized (lock) {
            unindexSlice(previous);
            sliceCount--;
            touch();
        }
    }

    /**
     * Adds or replaces a pod.
     *
     * @param previous the pod of the same namespace and name this index holds, or null
     */
    public void putPod(PodInfo previous, PodInfo p) {
        sameObject(previous, p);
        synchronized (lock) {
            if (previous == p) {
                return;
            }
            if (previous != null && !previous.ip().isEmpty()) {
                OneOrMore.remove(podsByIp, ipKey(previous.ip()), previous);
            }
            if (previous == null) {
                podCount++;
            }
            if (!p.ip().isEmpty()) {
                OneOrMore.add(podsByIp, ipKey(p.ip()), p);
            }
            if (previous == null || !previous.ip().equals(p.ip())) {
                touch();
            }
        }
    }

    /** Removes a pod: {@code previous}, the one this index holds (nothing when null). */
    public void removePod(PodInfo previous) {
        if (previous == null) {
            return;
        }
        synchronized (lock) {
            if (!previous.ip().isEmpty()) {
                OneOrMore.remove(podsByIp, ipKey(previous.ip()), previous);
            }
            podCount--;
            touch();
        }
    }

    /**
     * Refuses a previous value of another object: unindexing it would leave the replaced one's
     * entries behind for good, answering for an object that no longer exists.
     */
    private static void sameObject(Named previous, Named next) {
        if (previous != null
                && !(Objects.equals(previous.name(), next.name()) && Objects.equals(previous.namespace(), next.namespace()))) {
            throw new IllegalArgumentException("the previous value is " + previous.namespace() + "/" + previous.name()
                    + ", not " + next.namespace() + "/" + next.name());
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
        slicesByService.put(s.namespace(), s.serviceName(),
                OneOrMore.plus(slicesByService.get(s.namespace(), s.serviceName()), s));
        slicesByIpv4.addAll(distinctIpv4(s), s);
        for (String ip : distinctOtherIpKeys(s)) {
            OneOrMore.add(slicesByOtherIp, ip, s);
        }
    }

    private void unindexSlice(SliceInfo s) {
        Object rest = OneOrMore.minus(slicesByService.get(s.namespace(), s.serviceName()), s);
        if (rest == null) {
            slicesByService.remove(s.namespace(), s.serviceName());
        } else {
            slicesByService.put(s.namespace(), s.serviceName(), rest);
        }
        slicesByIpv4.removeAll(distinctIpv4(s), s);
        for (String ip : distinctOtherIpKeys(s)) {
            OneOrMore.remove(slicesByOtherIp, ip, s);
        }
    }

    /** The slice's compact IPv4 addresses, sorted, each once. */
    private static int[] distinctIpv4(SliceInfo s) {
        int[] out = new int[s.endpoints().size()];
        int n = 0;
        for (Endpoint e : s.endpoints()) {
            if (e.isCompactIpv4()) {
                out[n++] = e.ipv4();
            }
        }
        // Sorted as unsigned numbers, so one /24 block's addresses are next to each other.
        for (int i = 0; i < n; i++) {
            out[i] ^= Integer.MIN_VALUE;
        }
        Arrays.sort(out, 0, n);
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (d == 0 || out[d - 1] != out[i]) {
                out[d++] = out[i];
            }
        }
        for (int i = 0; i < d; i++) {
            out[i] ^= Integer.MIN_VALUE;
        }
        return d == out.length ? out : Arrays.copyOf(out, d);
    }

    /** The {@link #ipKey}s of the slice's other addresses (IPv6, IPv4 not in canonical text), each once. */
    private static List<String> distinctOtherIpKeys(SliceInfo s) {
        List<String> out = new ArrayList<>(0);
        for (Endpoint e : s.endpoints()) {
            if (!e.isCompactIpv4()) {
                String k = ipKey(e.address());
                if (!out.contains(k)) {
                    out.add(k);
                }
            }
        }
        return out;
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
        return services.get(namespace, name);
    }

    /**
     * The service whose {@code <name>.<namespace>} is {@code text}'s characters {@code [from, to)}
     * (a query name's, read in place), with its address answer when it is the usual Service; null
     * when there is none.
     */
    public ServiceTable.Entry service(String text, int from, int to) {
        return services.find(text, from, to);
    }

    /** Every service, in no particular order. */
    public List<ServiceInfo> services() {
        return services.values();
    }

    /** The slices of a service (grouped by the service-name label), possibly empty. */
    public List<SliceInfo> slicesOf(String namespace, String service) {
        return OneOrMore.list(slicesByService.get(namespace, service));
    }

    /** The services whose cluster IPs contain {@code ip}, in the order they were added. */
    public List<ServiceInfo> servicesByClusterIp(String ip) {
        return OneOrMore.list(servicesByClusterIp.get(ipKey(ip)));
    }

    /**
     * The services whose external IPs ({@code spec.externalIPs}, load-balancer ingress IPs) contain
     * {@code ip}, in the order they were added.
     */
    public List<ServiceInfo> servicesByExternalIp(String ip) {
        return OneOrMore.list(servicesByExternalIp.get(ipKey(ip)));
    }

    /** The slices with a ready endpoint address equal to {@code ip}. */
    public List<SliceInfo> slicesByIp(String ip) {
        Object key = addressKey(ip);
        return OneOrMore.list(key instanceof Integer v4 ? slicesByIpv4.get(v4) : slicesByOtherIp.get((String) key));
    }

    /** The pods whose primary IP is {@code ip}. */
    public List<PodInfo> podsByIp(String ip) {
        return OneOrMore.list(podsByIp.get(ipKey(ip)));
    }

    public boolean namespaceExists(String name) {
        return namespaces.contains(name);
    }

    /** Counts, for logs and tests. */
    public String summary() {
        synchronized (lock) {
            return services.size() + " services, " + sliceCount + " endpointslices, " + podCount + " pods, "
                    + namespaces.size() + " namespaces";
        }
    }

    /**
     * Entries by namespace, then name: the maps' keys are the entries' own strings. Changed only
     * under the index's lock; read without it.
     */
    private static final class ByNamespace<T> {
        private final ConcurrentHashMap<String, ConcurrentHashMap<String, T>> byNamespace = new ConcurrentHashMap<>();

        T get(String namespace, String name) {
            ConcurrentHashMap<String, T> m = byNamespace.get(namespace);
            return m == null ? null : m.get(name);
        }

        T put(String namespace, String name, T value) {
            return byNamespace.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>()).put(name, value);
        }

        T remove(String namespace, String name) {
            ConcurrentHashMap<String, T> m = byNamespace.get(namespace);
            if (m == null) {
                return null;
            }
            T old = m.remove(name);
            if (m.isEmpty()) {
                byNamespace.remove(namespace, m);
            }
            return old;
        }

        List<T> values() {
            List<T> out = new ArrayList<>();
            byNamespace.values().forEach(m -> out.addAll(m.values()));
            return List.copyOf(out);
        }

        int size() {
            int n = 0;
            for (ConcurrentHashMap<String, T> m : byNamespace.values()) {
                n += m.size();
            }
            return n;
        }
    }
}
