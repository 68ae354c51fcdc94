package kdns.plugin.kubernetes.spi;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Log;
import kdns.api.text.RecordValues;

/**
 * The checks API values pass before DNS uses them, shared by every conversion of API objects: a
 * value DNS cannot use is dropped (the rest of the object still serves) and noted in a
 * {@link Dropped}, which logs one warning per object.
 */
public final class ObjectValues {

    private static final Log LOG = Log.forPlugin("kubernetes");

    private ObjectValues() {
    }

    /**
     * True when a port number can serve: absent ({@code null}, a port that does not restrict) or
     * in 1..65535; otherwise it is noted in {@code dropped}.
     */
    public static boolean usablePort(String name, Integer port, Dropped dropped) {
        if (port == null || RecordValues.isPort(port)) {
            return true;
        }
        dropped.add("port " + (name == null || name.isEmpty() ? "" : quote(name) + " ") + port + " (not in 1..65535)");
        return false;
    }

    /**
     * The port as DNS uses it ({@code null} becomes {@link Port#NONE}'s number -1, a port that does
     * not restrict), or null when the number cannot serve ({@link #usablePort}).
     */
    public static Port port(String name, String protocol, Integer port, Dropped dropped) {
        return usablePort(name, port, dropped) ? new Port(name, protocol, port == null ? -1 : port) : null;
    }

    /** An endpoint's hostname when it can be one DNS label, else null (the name falls back to the address). */
    public static String endpointLabel(String value, String what, Dropped dropped) {
        if (value == null || value.isEmpty() || RecordValues.isLabel(value)) {
            return value;
        }
        dropped.add(what + " " + quote(value) + " (not a DNS label)");
        return null;
    }

    /**
     * CoreDNS's endpointHostname: the hostname, else (with {@code endpoint_pod_names}) the target's
     * name, else the address with dots or colons turned into dashes (a trailing dash gets a 0).
     */
    public static String endpointName(String address, String hostname, String targetRefName, boolean podNames) {
        if (!hostname.isEmpty()) {
            return hostname;
        }
        if (podNames && !targetRefName.isEmpty()) {
            return targetRefName;
        }
        if (address.indexOf('.') >= 0) {
            return address.replace('.', '-');
        }
        if (address.indexOf(':') >= 0) {
            String d = address.replace(':', '-');
            return d.endsWith("-") ? d + "0" : d;
        }
        return "";
    }

    /** {@code s} in double quotes for a warning, cut to 80 characters. */
    public static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        return "\"" + shown + "\"";
    }

    /** What one object had that DNS cannot use: logged as one warning naming the object. */
    public static final class Dropped {
        private final String kind;
        private final String key;
        private List<String> parts;

        public Dropped(String kind, String key) {
            this.kind = kind;
            this.key = key;
        }

        public void add(String part) {
            if (parts == null) {
                parts = new ArrayList<>(2);
            }
            parts.add(part);
        }

        /** The parts dropped so far, for tests. */
        public List<String> parts() {
            return parts == null ? List.of() : List.copyOf(parts);
        }

        /** One warning line when anything was dropped. */
        public void warn() {
            if (parts != null) {
                LOG.warning(kind + " " + key + ": dropped " + String.join(", ", parts) + "; the rest serves");
            }
        }
    }
}
