package kdns.plugin.kubernetes.spi;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import kdns.api.zones.Fallthrough;

/**
 * What one kubernetes block shares with the {@link ClusterSetOption} serving its
 * {@code multicluster} option: the block's API connection, the options that apply to cluster-set
 * names, and hooks into the block's cluster index.
 *
 * @param api                the block's API connection (one connection, one set of metrics)
 * @param zones              the {@code multicluster} zones (normalised, lower case, absolute)
 * @param ttl                the block's {@code ttl}
 * @param fallthrough        the block's {@code fallthrough}
 * @param noEndpoints        {@code noendpoints}: no EndpointSlices are watched
 * @param endpointPodNames   {@code endpoint_pod_names}
 * @param ignoreEmptyService {@code ignore empty_service}
 * @param labels             the {@code labels} selector text, or null
 * @param namespaceLabels    the {@code namespace_labels} selector text, or null
 * @param namespaceExposed   whether a query may name a namespace (allowed by {@code namespaces} and
 *                           present in the cluster index)
 * @param serial             the cluster index's modification time (Unix seconds), for SOA serials
 * @param synced             true once the block's own informers listed everything once
 */
public record KubernetesBlock(KubernetesApi api, List<String> zones, long ttl, Fallthrough fallthrough,
                              boolean noEndpoints, boolean endpointPodNames, boolean ignoreEmptyService,
                              String labels, String namespaceLabels, Predicate<String> namespaceExposed,
                              LongSupplier serial, BooleanSupplier synced) {

    public KubernetesBlock {
        zones = List.copyOf(zones);
    }
}
