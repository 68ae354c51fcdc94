package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * What the informers' cache keeps of an API object: its namespace, name and resource version
 * (all the reflector and the delta queue need) and what kdns made of it (a {@code ServiceInfo},
 * {@code SliceInfo}, {@code PodInfo} or namespace name), or null when kdns has no use for it. The
 * client's full model objects are dropped page by page as they are listed and event by event as
 * they are watched, so a large cluster's objects are never held twice.
 */
final class SlimObject implements KubernetesObject {

    private final V1ObjectMeta metadata;
    private final Object payload;

    SlimObject(String namespace, String name, String resourceVersion, Object payload) {
        V1ObjectMeta m = new V1ObjectMeta();
        m.setNamespace(namespace);
        m.setName(name);
        m.setResourceVersion(resourceVersion);
        this.metadata = m;
        this.payload = payload;
    }

    /** What kdns made of the object, or null. */
    Object payload() {
        return payload;
    }

    @Override
    public V1ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public String getApiVersion() {
        return "";
    }

    @Override
    public String getKind() {
        return "";
    }
}
