package kdns.plugin.kubernetes.model;

import java.util.List;
import java.util.Map;

/**
 * The values of an API object that {@link Convert} reads, whoever decoded them: the client's
 * generated models (taken apart by {@code Convert}) or kdns's own reader of the JSON stream (the
 * informers' usual path, with no model and no reflection). One conversion from these values keeps
 * the checks and the warnings the same whichever way an object came in. A value the object did
 * not have (or had as {@code null}) is null here; lists may hold nulls, as the API's JSON may.
 */
public final class Fields {

    private Fields() {
    }

    /** What every kind has: its metadata, or null when the object had none. */
    public interface Object {
        Meta meta();
    }

    /**
     * The metadata values kdns reads. {@code labels}/{@code annotations} are null when absent or not
     * read for this kind; {@code deleting}: a {@code deletionTimestamp} is set.
     */
    public record Meta(String namespace, String name, String resourceVersion, Map<String, String> labels,
                       Map<String, String> annotations, boolean deleting) {
    }

    /** A Service or EndpointSlice port as the object writes it. */
    public record PortValue(String name, String protocol, Integer port) {
    }

    /** One {@code status.loadBalancer.ingress} item. */
    public record Ingress(String ip, String hostname) {
    }

    /** {@code spec} of a Service. */
    public record ServiceSpec(String type, String externalName, List<String> clusterIPs, String clusterIP,
                              List<PortValue> ports, List<String> externalIPs) {
    }

    /** A Service; {@code ingress} is null when the status has no load balancer ingress list. */
    public record Service(Meta meta, ServiceSpec spec, List<Ingress> ingress) implements Object {
    }

    /** One endpoint of an EndpointSlice; {@code ready} is {@code conditions.ready}. */
    public record EndpointValue(Boolean ready, List<String> addresses, String targetRefName, String hostname,
                                String nodeName, String zone) {
    }

    /** An EndpointSlice. */
    public record Slice(Meta meta, List<EndpointValue> endpoints, List<PortValue> ports) implements Object {
    }

    /** A Pod: its metadata and {@code status.podIP}. */
    public record Pod(Meta meta, String podIP) implements Object {
    }

    /** A Namespace: its metadata alone. */
    public record Namespace(Meta meta) implements Object {
    }
}
