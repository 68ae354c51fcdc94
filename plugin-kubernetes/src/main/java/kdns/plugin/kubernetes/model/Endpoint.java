package kdns.plugin.kubernetes.model;

import kdns.plugin.kubernetes.spi.ObjectValues;

/**
 * One ready address of an EndpointSlice endpoint (an endpoint with several addresses gives several).
 *
 * @param address       the IP text as stored in the slice
 * @param hostname      the endpoint's {@code hostname}, or empty
 * @param targetRefName {@code targetRef.name} when shorter than 64 characters, else empty
 * @param nodeName      {@code nodeName}, or empty
 * @param zone          {@code zone}, or empty
 */
public record Endpoint(String address, String hostname, String targetRefName, String nodeName, String zone) {

    public Endpoint {
        hostname = hostname == null ? "" : hostname;
        targetRefName = targetRefName == null || targetRefName.length() >= 64 ? "" : targetRefName;
        nodeName = nodeName == null ? "" : nodeName;
        zone = zone == null ? "" : zone;
    }

    /**
     * CoreDNS's endpointHostname: the hostname, else (with {@code endpoint_pod_names}) the target's
     * name, else the address with dots or colons turned into dashes (a trailing dash gets a 0).
     */
    public String dnsName(boolean podNames) {
        return ObjectValues.endpointName(address, hostname, targetRefName, podNames);
    }
}
