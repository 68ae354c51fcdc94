/**
 * The multicluster plugin: {@code <svc>.<ns>.svc.clusterset.local} names from Multi-Cluster
 * Services ServiceImports and exported EndpointSlices, for the {@code multicluster} directive and
 * for the kubernetes block's {@code multicluster} option. Built on the kubernetes plugin's
 * extension API ({@code kdns.plugin.kubernetes.spi}): its API connection and informers, and the
 * {@code ClusterSetOption} service it provides.
 */
module kdns.plugin.multicluster {
    requires kdns.api;
    requires kdns.plugin.kubernetes;

    provides kdns.api.Plugin with kdns.plugin.multicluster.MulticlusterPlugin;
    provides kdns.plugin.kubernetes.spi.ClusterSetOption with kdns.plugin.multicluster.KubernetesClusterSetOption;
}
