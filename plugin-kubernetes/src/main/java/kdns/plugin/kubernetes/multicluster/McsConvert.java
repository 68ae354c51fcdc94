package kdns.plugin.kubernetes.multicluster;

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
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.model.Port;

/**
 * Turns API objects into the multicluster model: ServiceImports arrive as raw JSON (the client has
 * no model class for the CRD; they are watched through its {@code DynamicKubernetesApi}),
 * EndpointSlices as the client's {@link V1EndpointSlice}.
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
        JsonObject spec = object(raw, "spec");
        boolean headless = ServiceImportInfo.HEADLESS.equals(string(spec, "type"));
        List<String> ips = new ArrayList<>();
        JsonArray ipArray = array(spec, "ips");
        if (ipArray != null) {
            for (JsonElement e : ipArray) {
                if (e != null && e.isJsonPrimitive() && !e.getAsString().isEmpty()) {
                    ips.add(e.getAsString());
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
                JsonElement num = p.get("port");
                int port = num != null && num.isJsonPrimitive() && num.getAsJsonPrimitive().isNumber() ? num.getAsInt() : -1;
                ports.add(new Port(string(p, "name"), string(p, "protocol"), port));
            }
        }
        return new ServiceImportInfo(namespace == null ? "" : namespace, name, headless, ips, ports);
    }

    /**
     * The slice, or null when it lacks the {@code multicluster.kubernetes.io/service-name} label.
     * Only endpoints whose {@code conditions.ready} is true or absent are kept.
     */
    public static McsSlice slice(V1EndpointSlice s) {
        V1ObjectMeta m = s.getMetadata();
        if (m == null || m.getName() == null) {
            return null;
        }
        Map<String, String> labels = m.getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        if (svc == null || svc.isEmpty()) {
            return null;
        }
        String cluster = labels.get(SOURCE_CLUSTER_LABEL);
        List<Endpoint> eps = new ArrayList<>();
        if (s.getEndpoints() != null) {
            for (V1Endpoint e : s.getEndpoints()) {
                Boolean ready = e.getConditions() == null ? null : e.getConditions().getReady();
                if ((ready != null && !ready) || e.getAddresses() == null) {
                    continue;
                }
                String target = e.getTargetRef() == null ? null : e.getTargetRef().getName();
                for (String a : e.getAddresses()) {
                    eps.add(new Endpoint(a, e.getHostname(), target, e.getNodeName(), e.getZone()));
                }
            }
        }
        List<Port> ports = new ArrayList<>();
        if (s.getPorts() != null) {
            for (DiscoveryV1EndpointPort p : s.getPorts()) {
                ports.add(new Port(p.getName(), p.getProtocol(), p.getPort() == null ? -1 : p.getPort()));
            }
        }
        return new McsSlice(m.getNamespace() == null ? "" : m.getNamespace(), m.getName(), svc, cluster, eps, ports);
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
