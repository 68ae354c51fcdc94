package kdns.plugin.kubernetes.model;

import java.util.List;
import kdns.plugin.kubernetes.spi.Port;

/**
 * What DNS needs of a discovery.k8s.io/v1 EndpointSlice: its service (label
 * {@code kubernetes.io/service-name}), its ready addresses and its ports.
 *
 * @param triggerTimeMillis the {@code endpoints.kubernetes.io/last-change-trigger-time} annotation
 *                          as epoch milliseconds, or -1
 */
public record SliceInfo(String namespace, String name, String serviceName, List<Endpoint> endpoints, List<Port> ports,
                        long triggerTimeMillis) implements Named {

    public SliceInfo {
        endpoints = List.copyOf(endpoints);
        ports = ports.isEmpty() ? List.of(Port.NONE) : Shared.ports(List.copyOf(ports));
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** {@code namespace/service}. */
    public String serviceKey() {
        return namespace + "/" + serviceName;
    }

    /** True when the DNS-relevant content (service, addresses, names, ports) equals {@code o}'s. */
    public boolean sameDnsData(SliceInfo o) {
        return o != null && serviceName.equals(o.serviceName) && endpoints.equals(o.endpoints) && ports.equals(o.ports);
    }
}
