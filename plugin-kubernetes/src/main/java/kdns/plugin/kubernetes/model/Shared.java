package kdns.plugin.kubernetes.model;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import kdns.plugin.kubernetes.spi.Port;

/**
 * One instance of the values that many API objects repeat (namespaces, Service types, port names
 * and protocols, node names, zones, pod label keys and values, whole ports), so the index of a
 * large cluster holds each value once rather than once an object: each decoded object brings its
 * own copies, about 30 MiB of strings with 250,000 objects in one namespace.
 */
public final class Shared {

    /** Distinct ports kept; past this the rest are not shared (a cluster has a few dozen kinds). */
    private static final int PORT_LIMIT = 4096;
    private static final Pool<Port> PORTS = new Pool<>(PORT_LIMIT);
    private static final Pool<List<Port>> PORT_LISTS = new Pool<>(PORT_LIMIT);

    private Shared() {
    }

    /**
     * One instance of each equal (immutable) value, up to a bound: past it values are not shared,
     * so a cluster with unusually many distinct values costs memory, never correctness.
     */
    static final class Pool<T> {
        private final ConcurrentHashMap<T, T> known = new ConcurrentHashMap<>();
        private final int limit;

        Pool(int limit) {
            this.limit = limit;
        }

        /** The instance kept of a value equal to {@code value}, or null. */
        T kept(T value) {
            return known.get(value);
        }

        /** The instance kept of a value equal to {@code value}, else {@code value} (kept when below the bound). */
        T one(T value) {
            T k = known.get(value);
            if (k != null) {
                return k;
            }
            if (known.size() >= limit) {
                return value;
            }
            T raced = known.putIfAbsent(value, value);
            return raced == null ? value : raced;
        }
    }

    /**
     * The JVM's one instance of {@code s} (null stays null). The JVM forgets an interned string
     * once nothing refers to it, so values that go away (a deleted namespace) are not kept.
     */
    public static String string(String s) {
        return s == null ? null : s.intern();
    }

    /** The one instance of a port equal to {@code p}, with shared name and protocol. */
    public static Port port(Port p) {
        Port known = PORTS.kept(p);
        return known != null ? known : PORTS.one(new Port(string(p.name()), string(p.protocol()), p.port()));
    }

    /** The one instance of an (immutable) list of ports equal to {@code ports}: most Services have the same few. */
    public static List<Port> ports(List<Port> ports) {
        return PORT_LISTS.one(ports);
    }
}
