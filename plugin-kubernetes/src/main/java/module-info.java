/**
 * The kubernetes plugin: the Kubernetes DNS schema served from an in-memory index kept current by
 * the official Kubernetes Java client's informers. Nothing is exported; the host finds the plugin
 * through {@link kdns.api.Plugin}.
 */
module kdns.plugin.kubernetes {
    requires kdns.api;
    requires io.kubernetes.client.java;
    requires io.kubernetes.client.java.api;
    requires okhttp3;

    provides kdns.api.Plugin with kdns.plugin.kubernetes.KubernetesPlugin;
}
