/**
 * The kubernetes plugin: the Kubernetes DNS schema served from an in-memory index kept current by
 * the official Kubernetes Java client's informers. The host finds the plugin through
 * {@link kdns.api.Plugin}. Plugin modules built on this one see only the extension API in
 * {@code kdns.plugin.kubernetes.spi} (API connection, informers, value checks, and the
 * {@code ClusterSetOption} service behind the {@code multicluster} option, which plugin-multicluster
 * provides); the client modules its signatures use are readable through it.
 */
module kdns.plugin.kubernetes {
    requires transitive kdns.api;
    requires transitive io.kubernetes.client.java;
    requires transitive io.kubernetes.client.java.api;
    requires transitive okhttp3;
    requires transitive com.google.gson;
    // The delta pairs of the client's informers (IndexingInformer).
    requires org.apache.commons.lang3;

    exports kdns.plugin.kubernetes.spi;

    uses kdns.plugin.kubernetes.spi.ClusterSetOption;

    provides kdns.api.Plugin with kdns.plugin.kubernetes.KubernetesPlugin,
            kdns.plugin.kubernetes.autopath.AutopathPlugin,
            kdns.plugin.kubernetes.external.ExternalPlugin;
}
