package kdns.plugin.kubernetes.spi;

import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.spi.ObjectValues.Dropped;

/**
 * How DNS reads a discovery.k8s.io/v1 EndpointSlice, the same for the cluster's own slices and for
 * those exported to a cluster set: the service it belongs to (a label), the addresses of its ready
 * endpoints and its ports, each value checked as {@link ObjectValues} says.
 */
public final class EndpointSlices {

    /** One address of a ready endpoint. */
    @FunctionalInterface
    public interface ReadyAddress {
        /**
         * @param endpoint      the endpoint the address belongs to
         * @param address       an IP address as the slice writes it
         * @param hostname      the endpoint's hostname when it is a DNS label, else null or empty
         * @param targetRefName {@code targetRef.name}, or null
         */
        void accept(V1Endpoint endpoint, String address, String hostname, String targetRefName);
    }

    private EndpointSlices() {
    }

    /**
     * The value of the slice's {@code label} (the service it belongs to), or null when the slice has
     * no name or the label is absent or empty (CoreDNS ignores such a slice).
     */
    public static String serviceName(V1EndpointSlice s, String label) {
        V1ObjectMeta m = s == null ? null : s.getMetadata();
        if (m == null || m.getName() == null) {
            return null;
        }
        Map<String, String> labels = m.getLabels();
        String svc = labels == null ? null : labels.get(label);
        return svc == null || svc.isEmpty() ? null : svc;
    }

    /**
     * Hands every address of the slice's ready endpoints ({@code conditions.ready} true or absent)
     * to {@code to}; an address that is not an IP address, and a hostname that is not a DNS label,
     * is noted in {@code dropped} instead.
     */
    public static void readyAddresses(V1EndpointSlice s, Dropped dropped, ReadyAddress to) {
        if (s.getEndpoints() == null) {
            return;
        }
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
                to.accept(e, a, hostname, target);
            }
        }
    }

    /**
     * Adds the slice's ports that can serve ({@link ObjectValues#port}) to {@code to}, each as
     * {@code share} makes it (the identity, or a shared instance).
     */
    public static void addPorts(V1EndpointSlice s, Dropped dropped, UnaryOperator<Port> share, List<Port> to) {
        if (s.getPorts() == null) {
            return;
        }
        for (DiscoveryV1EndpointPort p : s.getPorts()) {
            if (p == null) {
                continue;
            }
            Port port = ObjectValues.port(p.getName(), p.getProtocol(), p.getPort(), dropped);
            if (port != null) {
                to.add(share.apply(port));
            }
        }
    }
}
