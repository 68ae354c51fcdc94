package kdns.plugin.multicluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The in-memory cluster-set view answers come from: ServiceImports, exported EndpointSlices grouped
 * by ServiceImport, and (for the standalone plugin) Namespaces. Writes are serialised by a lock;
 * reads are lock-free over immutable values, so query threads never wait on an informer. The
 * modification time (the SOA serial) moves on adds, deletes and DNS-relevant updates.
 */
public final class McsIndex {

    private final ConcurrentHashMap<String, ServiceImportInfo> imports = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, McsSlice> slices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<McsSlice>> slicesByImport = new ConcurrentHashMap<>();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final AtomicLong modified = new AtomicLong();
    private final LongSupplier clock;
    private final Object lock = new Object();

    public McsIndex() {
        this(() -> System.currentTimeMillis() / 1000);
    }

    /** @param clock the time in Unix seconds, for the SOA serial */
    public McsIndex(LongSupplier clock) {
        this.clock = clock;
        modified.set(clock.getAsLong());
    }

    public void putImport(ServiceImportInfo si) {
        synchronized (lock) {
            ServiceImportInfo old = imports.put(si.key(), si);
            if (!si.equals(old)) {
                touch();
            }
        }
    }

    public void removeImport(String namespace, String name) {
        synchronized (lock) {
            if (imports.remove(namespace + "/" + name) != null) {
                touch();
            }
        }
    }

    public void putSlice(McsSlice s) {
        synchronized (lock) {
            McsSlice old = slices.put(s.key(), s);
            if (old != null) {
                removeFromGroup(old);
            }
            slicesByImport.compute(s.serviceKey(), (k, list) -> {
                List<McsSlice> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
                next.add(s);
                return List.copyOf(next);
            });
            if (!s.sameDnsData(old)) {
                touch();
            }
        }
    }

    public void removeSlice(String namespace, String name) {
        synchronized (lock) {
            McsSlice old = slices.remove(namespace + "/" + name);
            if (old != null) {
                removeFromGroup(old);
                touch();
            }
        }
    }

    private void removeFromGroup(McsSlice old) {
        slicesByImport.computeIfPresent(old.serviceKey(), (k, list) -> {
            List<McsSlice> next = new ArrayList<>(list);
            next.removeIf(x -> x.key().equals(old.key()));
            return next.isEmpty() ? null : List.copyOf(next);
        });
    }

    public void putNamespace(String name) {
        synchronized (lock) {
            if (namespaces.add(name)) {
                touch();
            }
        }
    }

    public void removeNamespace(String name) {
        synchronized (lock) {
            if (namespaces.remove(name)) {
                touch();
            }
        }
    }

    private void touch() {
        modified.set(clock.getAsLong());
    }

    /** Unix seconds of the last DNS-relevant change. */
    public long modified() {
        return modified.get();
    }

    public ServiceImportInfo serviceImport(String namespace, String name) {
        return imports.get(namespace + "/" + name);
    }

    /** The exported slices of a ServiceImport (from every source cluster), possibly empty. */
    public List<McsSlice> slicesOf(String namespace, String service) {
        return slicesByImport.getOrDefault(namespace + "/" + service, List.of());
    }

    public boolean namespaceExists(String name) {
        return namespaces.contains(name);
    }

    /** Counts, for logs and tests. */
    public String summary() {
        return imports.size() + " serviceimports, " + slices.size() + " endpointslices, " + namespaces.size()
                + " namespaces";
    }
}
