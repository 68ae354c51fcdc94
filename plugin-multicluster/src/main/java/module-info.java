/**
 * The multicluster plugin: {@code <svc>.<ns>.svc.clusterset.local} names from Multi-Cluster
 * Services ServiceImports and exported EndpointSlices. Only the directive lives here; the index,
 * informers and answers are shared with the kubernetes plugin's {@code multicluster} option.
 */
module kdns.plugin.multicluster {
    requires kdns.api;
    requires kdns.plugin.kubernetes;

    provides kdns.api.Plugin with kdns.plugin.multicluster.MulticlusterPlugin;
}
