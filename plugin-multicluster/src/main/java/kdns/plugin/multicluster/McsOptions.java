package kdns.plugin.multicluster;

import java.util.List;
import kdns.api.zones.Fallthrough;

/**
 * How cluster-set names are answered.
 *
 * @param zones              the cluster-set zones (normalised, lower case, absolute)
 * @param ttl                the TTL of every record (the standalone plugin: 5; the kubernetes
 *                           option: the plugin's {@code ttl})
 * @param fallthrough        name errors in these zones go to the next plugin
 * @param noEndpoints        no EndpointSlices are watched: headless and endpoint names are name errors
 * @param endpointPodNames   endpoint names fall back to the target pod's name before the dashed IP
 * @param ignoreEmptyService a ClusterSetIP import without any ready endpoint is a name error
 * @param kubernetesNames    endpoint names as the kubernetes plugin makes them (a dashed IPv6 address
 *                           ending in {@code -} gets a {@code 0}); false: as the multicluster plugin
 */
public record McsOptions(List<String> zones, long ttl, Fallthrough fallthrough, boolean noEndpoints,
                         boolean endpointPodNames, boolean ignoreEmptyService, boolean kubernetesNames) {

    /** The standalone plugin's fixed TTL. */
    public static final long DEFAULT_TTL = 5;

    public McsOptions {
        zones = List.copyOf(zones);
    }
}
