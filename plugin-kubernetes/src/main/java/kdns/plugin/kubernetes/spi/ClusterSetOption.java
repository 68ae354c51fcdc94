package kdns.plugin.kubernetes.spi;

/**
 * The kubernetes block's {@code multicluster ZONES} option (CoreDNS 1.12.2+), served by a plugin
 * module that provides this service ({@code provides kdns.plugin.kubernetes.spi.ClusterSetOption
 * with ...}): plugin-multicluster. The kubernetes plugin looks providers up with
 * {@link kdns.api.Instance#extensions}; a distribution without one refuses the option at its
 * Corefile line. One provider object serves every block and every reload: keep no state in it.
 */
public interface ClusterSetOption {

    /**
     * Sets up the cluster-set zones of one kubernetes block; starts nothing (the kubernetes plugin
     * starts and stops what this returns with its own informers).
     */
    ClusterSetZones setup(KubernetesBlock block);
}
