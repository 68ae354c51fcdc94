package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * What the informers' cache keeps of an API object: its namespace, name and resource version
 * (all the reflector and the delta queue need) and what kdns made of it (a {@code ServiceInfo},
 * {@code SliceInfo}, {@code PodInfo} or namespace name), or null when kdns has no use for it. The
 * client's full model objects are dropped page by page as they are listed and event by event as
 * they are watched, so a large cluster's objects are never held twice.
 *
 * <p>The three strings are kept as fields and {@link #getMetadata()} makes a {@link V1ObjectMeta}
 * of them at each call: a kept one costs its empty label and annotation maps and three empty lists
 * as well (about 220 bytes an object, 55 MiB of heap with 250,000 objects), while the reflector
 * and the delta queue ask for it only a few times an object and drop it at once. A numeric
 * resource version is kept as a number (a string of it is about 48 bytes more an object).
 */
final class SlimObject implements KubernetesObject, KindlessType {

    private final String namespace;
    private final String name;
    /** The resource version when it is a plain decimal number (as every API server's is), else -1. */
    private final long version;
    /** The resource version as text when it is not such a number (versions are opaque to clients). */
    private final String versionText;
    private final Object payload;

    SlimObject(String namespace, String name, String resourceVersion, Object payload) {
        this.namespace = namespace;
        this.name = name;
        this.version = plainNumber(resourceVersion);
        this.versionText = version < 0 ? resourceVersion : null;
        this.payload = payload;
    }

    /** {@code s} as a number when it is one written the one way {@link Long#toString} writes it, else -1. */
    static long plainNumber(String s) {
        if (s == null || s.isEmpty() || s.length() > 18 || (s.charAt(0) == '0' && s.length() > 1)) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The namespace, or null (a cluster-scoped object). */
    String namespace() {
        return namespace;
    }

    /** The name (null only in a watch's bookmark or error, which no store holds). */
    String name() {
        return name;
    }

    /** What kdns made of the object, or null. */
    Object payload() {
        return payload;
    }

    /** {@code namespace/name}, or the name alone for a cluster-scoped object (the cache's key). */
    String key() {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** A new metadata object with the namespace, name and resource version (callers may change it). */
    @Override
    public V1ObjectMeta getMetadata() {
        V1ObjectMeta m = new V1ObjectMeta();
        m.setNamespace(namespace);
        m.setName(name);
        m.setResourceVersion(version >= 0 ? Long.toString(version) : versionText);
        return m;
    }
}
