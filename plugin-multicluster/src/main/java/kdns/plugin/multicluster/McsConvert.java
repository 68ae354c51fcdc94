package kdns.plugin.multicluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.spi.ObjectValues;
import kdns.plugin.kubernetes.spi.ObjectValues.Dropped;

/**
 * Turns API objects into the multicluster model: ServiceImports arrive as raw JSON (the client has
 * no model class for the CRD; they are watched through its {@code DynamicKubernetesApi}),
 * EndpointSlices as the client's {@link V1EndpointSlice}. Values are checked here as in
 * the kubernetes plugin ({@link ObjectValues}): a bad port, address or host name is dropped with one warning naming the object.
 */
public final class McsConvert {

    /** The label that ties an exported EndpointSlice to its ServiceImport. */
    public static final String SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";
    /** The label naming the cluster an exported EndpointSlice comes from. */
    public static final String SOURCE_CLUSTER_LABEL = "multicluster.kubernetes.io/source-cluster";

    private McsConvert() {
    }

    /** The ServiceImport, or null when it has no name. */
    public static ServiceImportInfo serviceImport(JsonObject raw) {
        JsonObject meta = object(raw, "metadata");
        String name = string(meta, "name");
        if (name == null || name.isEmpty()) {
            return null;
        }
        String namespace = string(meta, "namespace");
        Dropped dropped = new Dropped("ServiceImport", (namespace == null ? "" : namespace) + "/" + name);
        JsonObject spec = object(raw, "spec");
        boolean headless = ServiceImportInfo.HEADLESS.equals(string(spec, "type"));
        List<String> ips = new ArrayList<>();
        JsonArray ipArray = array(spec, "ips");
        if (ipArray != null) {
            for (JsonElement e : ipArray) {
                if (e == null || !e.isJsonPrimitive() || e.getAsString().isEmpty()) {
                    continue;
                }
                if (IpLiterals.isLiteral(e.getAsString())) {
                    ips.add(e.getAsString());
                } else {
                    dropped.add("ip " + ObjectValues.quote(e.getAsString()) + " (not an IP address)");
                }
            }
        }
        List<McsPort> ports = new ArrayList<>();
        JsonArray portArray = array(spec, "ports");
        if (portArray != null) {
            for (JsonElement e : portArray) {
                if (e == null || !e.isJsonObject()) {
                    continue;
                }
                JsonObject p = e.getAsJsonObject();
                addPort(ports, string(p, "name"), string(p, "protocol"), portNumber(p.get("port")), dropped);
            }
        }
        dropped.warn();
        return new ServiceImportInfo(namespace == null ? "" : namespace, name, headless, ips, ports);
    }

    /**
     * The slice, or null when it lacks the {@code multicluster.kubernetes.io/service-name} label.
     * Only endpoints whose {@code conditions.ready} is true or absent are kept.
     */
    public static McsSlice slice(V1EndpointSlice s) {
        V1ObjectMeta m = s == null ? null : s.getMetadata();
        if (m == null || m.getName() == null) {
            return null;
        }
        Map<String, String> labels = m.getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        if (svc == null || svc.isEmpty()) {
            return null;
        }
        String cluster = labels.get(SOURCE_CLUSTER_LABEL);
        Dropped dropped = new Dropped("EndpointSlice", (m.getNamespace() == null ? "" : m.getNamespace()) + "/" + m.getName());
        List<McsEndpoint> eps = new ArrayList<>();
        if (s.getEndpoints() != null) {
            for (V1Endpoint e : s.getEndpoints()) {
                if (e == null) {
                    continue;
                }
                Boolean ready = e.getConditions() == null ? null : e.getConditions().getReady();
                if ((ready != null && !ready) || e.getAddresses() == null) {
                    continue;
                }
                String target = e.getTargetRef() == null ? null : e.getTargetRef().getName();
                String hostname = ObjectValues.endpointLabel(e.getHostname(), "hostname", dropped);
                for (String a : e.getAddresses()) {
                    if (a == null || a.isEmpty()) {
                        continue;
                    }
                    if (!IpLiterals.isLiteral(a)) {
                        dropped.add("address " + ObjectValues.quote(a) + " (not an IP address)");
                        continue;
                    }
                    eps.add(new McsEndpoint(a, hostname, target));
                }
            }
        }
        List<McsPort> ports = new ArrayList<>();
        if (s.getPorts() != null) {
            for (DiscoveryV1EndpointPort p : s.getPorts()) {
                if (p != null) {
                    addPort(ports, p.getName(), p.getProtocol(), p.getPort(), dropped);
                }
            }
        }
        dropped.warn();
        return new McsSlice(m.getNamespace() == null ? "" : m.getNamespace(), m.getName(), svc, cluster, eps, ports);
    }

    private static void addPort(List<McsPort> to, String name, String protocol, Integer port, Dropped dropped) {
        if (ObjectValues.usablePort(name, port, dropped)) {
            to.add(new McsPort(name, protocol, port == null ? -1 : port));
        }
    }

    /**
     * A port number as JSON gives it: null when absent or not a number, and a number that is not a
     * whole 32-bit integer as one out of range (so it is dropped rather than wrapped).
     */
    private static Integer portNumber(JsonElement num) {
        if (num == null || !num.isJsonPrimitive() || !num.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        try {
            return num.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static JsonArray array(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonArray() ? e.getAsJsonArray() : null;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }
}
