package kdns.plugin.multicluster;

import java.util.List;
import kdns.plugin.kubernetes.spi.Port;

/**
 * What DNS needs of an EndpointSlice exported to the cluster set: the ServiceImport it belongs to
 * (label {@code multicluster.kubernetes.io/service-name}), the cluster it comes from (label
 * {@code multicluster.kubernetes.io/source-cluster}), its ready addresses and its ports
 * ({@code [Port.NONE]} when it declares none).
 */
public record McsSlice(String namespace, String name, String serviceName, String clusterId, List<McsEndpoint> endpoints,
                       List<Port> ports) {

    public McsSlice {
        clusterId = clusterId == null ? "" : clusterId;
        endpoints = List.copyOf(endpoints);
        ports = ports.isEmpty() ? List.of(Port.NONE) : List.copyOf(ports);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** {@code namespace/service}. */
    public String serviceKey() {
        return namespace + "/" + serviceName;
    }

    /** True when the DNS-relevant content (service, cluster, addresses, names, ports) equals {@code o}'s. */
    public boolean sameDnsData(McsSlice o) {
        return o != null && serviceName.equals(o.serviceName) && clusterId.equals(o.clusterId)
                && endpoints.equals(o.endpoints) && ports.equals(o.ports);
    }
}
