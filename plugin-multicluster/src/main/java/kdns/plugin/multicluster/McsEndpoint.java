package kdns.plugin.multicluster;

import kdns.plugin.kubernetes.spi.ObjectValues;

/**
 * One ready address of an exported EndpointSlice endpoint (an endpoint with several addresses
 * gives several).
 *
 * @param address       the IP text as stored in the slice
 * @param hostname      the endpoint's {@code hostname}, or empty
 * @param targetRefName {@code targetRef.name} when shorter than 64 characters, else empty
 */
public record McsEndpoint(String address, String hostname, String targetRefName) {

    public McsEndpoint {
        hostname = hostname == null ? "" : hostname;
        targetRefName = targetRefName == null || targetRefName.length() >= 64 ? "" : targetRefName;
    }

    /** The name the kubernetes plugin gives the endpoint (its {@code endpoint_pod_names} included). */
    public String kubernetesName(boolean podNames) {
        return ObjectValues.endpointName(address, hostname, targetRefName, podNames);
    }
}
