package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesType;

/**
 * A slim object or list: the reflector never reads the API version or kind, so none is kept
 * (both are empty).
 */
interface KindlessType extends KubernetesType {

    @Override
    default String getApiVersion() {
        return "";
    }

    @Override
    default String getKind() {
        return "";
    }
}
