package kdns.plugin.kubernetes.model;

import java.util.List;
import kdns.plugin.kubernetes.spi.Port;

/**
 * What DNS needs of a core/v1 Service.
 *
 * @param clusterIPs  {@code spec.clusterIPs} (or {@code [spec.clusterIP]}); {@code ["None"]} for headless
 * @param externalName the ExternalName target, or empty
 * @param ports        the service ports, {@code [Port.NONE]} when it declares none
 * @param externalIPs  {@code spec.externalIPs} plus load-balancer ingress IPs or host names
 */
public record ServiceInfo(String namespace, String name, String type, List<String> clusterIPs, String externalName,
                          List<Port> ports, List<String> externalIPs) implements Named {

    public static final String EXTERNAL_NAME = "ExternalName";

    public ServiceInfo {
        clusterIPs = List.copyOf(clusterIPs);
        ports = ports.isEmpty() ? List.of(Port.NONE) : Shared.ports(List.copyOf(ports));
        externalIPs = List.copyOf(externalIPs);
        externalName = externalName == null ? "" : externalName;
        type = type == null ? "ClusterIP" : type;
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    public boolean externalNameType() {
        return EXTERNAL_NAME.equals(type);
    }

    /** Headless: the first cluster IP is {@code None}. */
    public boolean headless() {
        return !clusterIPs.isEmpty() && "None".equals(clusterIPs.get(0));
    }

    /** The cluster IPs that are addresses (not {@code None}, not empty). */
    public List<String> addressIPs() {
        return headless() ? List.of() : clusterIPs.stream().filter(ip -> !ip.isEmpty() && !ip.equals("None")).toList();
    }
}
