package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** A listed collection as the reflector needs it: the list's resource version and the slim items. */
final class SlimList implements KubernetesListObject, KindlessType {

    private final V1ListMeta metadata;
    private final List<SlimObject> items;

    SlimList(String resourceVersion, List<SlimObject> items) {
        this.metadata = new V1ListMeta().resourceVersion(resourceVersion);
        this.items = items;
    }

    @Override
    public V1ListMeta getMetadata() {
        return metadata;
    }

    @Override
    public List<SlimObject> getItems() {
        return items;
    }
}
