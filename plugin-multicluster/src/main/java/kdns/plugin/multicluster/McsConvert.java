package kdns.plugin.multicluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.spi.EndpointSlices;
import kdns.plugin.kubernetes.spi.ObjectValues;
import kdns.plugin.kubernetes.spi.ObjectValues.Dropped;
import kdns.plugin.kubernetes.spi.Port;

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
        List<Port> ports = new ArrayList<>();
        JsonArray portArray = array(spec, "ports");
        if (portArray != null) {
            for (JsonElement e : portArray) {
                if (e == null || !e.isJsonObject()) {
                    continue;
                }
                JsonObject p = e.getAsJsonObject();
                Port port = ObjectValues.port(string(p, "name"), string(p, "protocol"), portNumber(p.get("port")), dropped);
                if (port != null) {
                    ports.add(port);
                }
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
        String svc = EndpointSlices.serviceName(s, SERVICE_NAME_LABEL);
        if (svc == null) {
            return null;
        }
        V1ObjectMeta m = s.getMetadata();
        String cluster = m.getLabels().get(SOURCE_CLUSTER_LABEL);
        Dropped dropped = new Dropped("EndpointSlice", (m.getNamespace() == null ? "" : m.getNamespace()) + "/" + m.getName());
        List<McsEndpoint> eps = new ArrayList<>();
        EndpointSlices.readyAddresses(s, dropped,
                (e, address, hostname, target) -> eps.add(new McsEndpoint(address, hostname, target)));
        List<Port> ports = new ArrayList<>();
        EndpointSlices.addPorts(s, dropped, UnaryOperator.identity(), ports);
        dropped.warn();
        return new McsSlice(m.getNamespace() == null ? "" : m.getNamespace(), m.getName(), svc, cluster, eps, ports);
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
