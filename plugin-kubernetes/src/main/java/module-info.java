/**
 * The kubernetes plugin: the Kubernetes DNS schema served from an in-memory index kept current by
 * the official Kubernetes Java client's informers. The host finds the plugin through
 * {@link kdns.api.Plugin}. The cluster-set (Multi-Cluster Services) index and answers in
 * {@code kdns.plugin.kubernetes.multicluster} are exported for the {@code multicluster} plugin module,
 * which shares them with this plugin's {@code multicluster} option.
 */
module kdns.plugin.kubernetes {
    requires kdns.api;
    requires io.kubernetes.client.java;
    requires io.kubernetes.client.java.api;
    requires okhttp3;
    requires com.google.gson;
    // The delta pairs of the client's informers (IndexingInformer).
    requires org.apache.commons.lang3;

    exports kdns.plugin.kubernetes.multicluster;

    provides kdns.api.Plugin with kdns.plugin.kubernetes.KubernetesPlugin,
            kdns.plugin.kubernetes.autopath.AutopathPlugin,
            kdns.plugin.kubernetes.external.ExternalPlugin;
}
