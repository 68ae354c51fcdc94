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
    private static final ConcurrentHashMap<Port, Port> PORTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<List<Port>, List<Port>> PORT_LISTS = new ConcurrentHashMap<>();

    private Shared() {
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
        Port known = PORTS.get(p);
        if (known != null) {
            return known;
        }
        Port shared = new Port(string(p.name()), string(p.protocol()), p.port());
        if (PORTS.size() >= PORT_LIMIT) {
            return shared;
        }
        Port raced = PORTS.putIfAbsent(shared, shared);
        return raced == null ? shared : raced;
    }

    /** The one instance of an (immutable) list of ports equal to {@code ports}: most Services have the same few. */
    public static List<Port> ports(List<Port> ports) {
        List<Port> known = PORT_LISTS.get(ports);
        if (known != null) {
            return known;
        }
        if (PORT_LISTS.size() >= PORT_LIMIT) {
            return ports;
        }
        List<Port> raced = PORT_LISTS.putIfAbsent(ports, ports);
        return raced == null ? ports : raced;
    }
}
