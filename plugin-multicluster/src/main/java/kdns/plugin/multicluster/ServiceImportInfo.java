package kdns.plugin.multicluster;

import java.util.List;
import kdns.plugin.kubernetes.spi.Port;

/**
 * What DNS needs of a {@code multicluster.x-k8s.io/v1alpha1} ServiceImport.
 *
 * @param headless {@code spec.type} is {@code Headless} (else {@code ClusterSetIP})
 * @param ips      {@code spec.ips}, the cluster-set IPs (possibly empty)
 * @param ports    {@code spec.ports}, as declared (possibly empty: then no name of the import matches)
 */
public record ServiceImportInfo(String namespace, String name, boolean headless, List<String> ips, List<Port> ports) {

    /** The value of {@code spec.type} for a headless import. */
    public static final String HEADLESS = "Headless";

    public ServiceImportInfo {
        ips = List.copyOf(ips);
        ports = List.copyOf(ports);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }
}
