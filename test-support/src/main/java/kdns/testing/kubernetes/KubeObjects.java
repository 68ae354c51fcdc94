package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import kdns.api.text.IpLiterals;

/**
 * Builders for the API objects DNS tests need, shaped as the API server stores them:
 * {@link #namespace}, {@link #service}, {@link #endpointSlice} (with {@link #endpoint}s),
 * {@link #pod} and {@link #serviceImport}. {@code build()} returns a fresh {@link ObjectNode} to
 * pass to {@link FakeApiServer#create(ObjectNode)} or {@link FakeApiServer#apply(ObjectNode)}.
 */
public final class KubeObjects {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeObjects() {}

    /** Parses a JSON object (e.g. a text block in a test). */
    public static ObjectNode parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (!(n instanceof ObjectNode o)) {
                throw new IllegalArgumentException("not a JSON object: " + json);
            }
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException("invalid JSON: " + e.getMessage(), e);
        }
    }

    public static NamespaceBuilder namespace(String name) {
        return new NamespaceBuilder(name);
    }

    public static ServiceBuilder service(String namespace, String name) {
        return new ServiceBuilder(namespace, name);
    }

    public static EndpointSliceBuilder endpointSlice(String namespace, String name) {
        return new EndpointSliceBuilder(namespace, name);
    }

    /** One endpoint of an EndpointSlice, ready unless told otherwise. */
    public static EndpointBuilder endpoint(String... addresses) {
        return new EndpointBuilder(addresses);
    }

    public static PodBuilder pod(String namespace, String name) {
        return new PodBuilder(namespace, name);
    }

    public static ServiceImportBuilder serviceImport(String namespace, String name) {
        return new ServiceImportBuilder(namespace, name);
    }

    private static ObjectNode portNode(String name, String protocol, int port) {
        ObjectNode p = F.objectNode();
        if (name != null && !name.isEmpty()) {
            p.put("name", name);
        }
        p.put("protocol", protocol);
        p.put("port", port);
        return p;
    }

    /** What every builder has: metadata labels and annotations. */
    public abstract static class Builder<B extends Builder<B>> {
        final ObjectNode obj = F.objectNode();

        Builder(String apiVersion, String kind, String namespace, String name) {
            obj.put("apiVersion", apiVersion);
            obj.put("kind", kind);
            ObjectNode meta = obj.putObject("metadata");
            meta.put("name", name);
            if (namespace != null) {
                meta.put("namespace", namespace);
            }
        }

        @SuppressWarnings("unchecked")
        B self() {
            return (B) this;
        }

        ObjectNode meta() {
            return (ObjectNode) obj.get("metadata");
        }

        public B label(String key, String value) {
            meta().withObjectProperty("labels").put(key, value);
            return self();
        }

        public B annotation(String key, String value) {
            meta().withObjectProperty("annotations").put(key, value);
            return self();
        }

        /** A copy of the object built so far. */
        public ObjectNode build() {
            return obj.deepCopy();
        }
    }

    /** A v1 Namespace (phase Active). */
    public static final class NamespaceBuilder extends Builder<NamespaceBuilder> {
        NamespaceBuilder(String name) {
            super("v1", "Namespace", null, name);
            obj.putObject("status").put("phase", "Active");
        }
    }

    /** A v1 Service; type ClusterIP unless {@link #headless()} or {@link #externalName}. */
    public static final class ServiceBuilder extends Builder<ServiceBuilder> {
        ServiceBuilder(String namespace, String name) {
            super("v1", "Service", namespace, name);
            obj.putObject("spec").put("type", "ClusterIP");
        }

        private ObjectNode spec() {
            return (ObjectNode) obj.get("spec");
        }

        /** The cluster IP(s): the first is spec.clusterIP, all are spec.clusterIPs (dual stack). */
        public ServiceBuilder clusterIP(String... ips) {
            spec().put("clusterIP", ips[0]);
            ArrayNode a = spec().putArray("clusterIPs");
            ArrayNode fams = spec().putArray("ipFamilies");
            for (String ip : ips) {
                a.add(ip);
                fams.add(ip.contains(":") ? "IPv6" : "IPv4");
            }
            spec().put("ipFamilyPolicy", ips.length > 1 ? "RequireDualStack" : "SingleStack");
            return this;
        }

        /** clusterIP None. */
        public ServiceBuilder headless() {
            spec().put("type", "ClusterIP");
            spec().put("clusterIP", "None");
            spec().putArray("clusterIPs").add("None");
            return this;
        }

        /** type ExternalName with this target name. */
        public ServiceBuilder externalName(String target) {
            spec().put("type", "ExternalName");
            spec().put("externalName", target);
            spec().remove("clusterIP");
            spec().remove("clusterIPs");
            return this;
        }

        /** ClusterIP, NodePort, LoadBalancer or ExternalName. */
        public ServiceBuilder type(String type) {
            spec().put("type", type);
            return this;
        }

        public ServiceBuilder port(String name, String protocol, int port) {
            spec().withArrayProperty("ports").add(portNode(name, protocol, port));
            return this;
        }

        public ServiceBuilder selector(String key, String value) {
            spec().withObjectProperty("selector").put(key, value);
            return this;
        }

        public ServiceBuilder externalIPs(String... ips) {
            ArrayNode a = spec().putArray("externalIPs");
            for (String ip : ips) {
                a.add(ip);
            }
            return this;
        }

        /** status.loadBalancer.ingress entries: IP literals become {@code ip}, others {@code hostname}. */
        public ServiceBuilder loadBalancerIngress(String... ipsOrHostnames) {
            ArrayNode a = obj.withObjectProperty("status").withObjectProperty("loadBalancer").putArray("ingress");
            for (String s : ipsOrHostnames) {
                a.addObject().put(IpLiterals.isLiteral(s) ? "ip" : "hostname", s);
            }
            return this;
        }
    }

    /** One entry of an EndpointSlice's {@code endpoints}. */
    public static final class EndpointBuilder {
        final ObjectNode ep = F.objectNode();

        EndpointBuilder(String... addresses) {
            ArrayNode a = ep.putArray("addresses");
            for (String s : addresses) {
                a.add(s);
            }
            ObjectNode c = ep.putObject("conditions");
            c.put("ready", true);
            c.put("serving", true);
            c.put("terminating", false);
        }

        /** conditions.ready (serving follows it; terminating stays false). */
        public EndpointBuilder ready(boolean ready) {
            ((ObjectNode) ep.get("conditions")).put("ready", ready);
            ((ObjectNode) ep.get("conditions")).put("serving", ready);
            return this;
        }

        /** conditions.ready/serving/terminating as given (null leaves the condition unset). */
        public EndpointBuilder conditions(Boolean ready, Boolean serving, Boolean terminating) {
            ObjectNode c = ep.putObject("conditions");
            if (ready != null) {
                c.put("ready", ready);
            }
            if (serving != null) {
                c.put("serving", serving);
            }
            if (terminating != null) {
                c.put("terminating", terminating);
            }
            return this;
        }

        public EndpointBuilder hostname(String hostname) {
            ep.put("hostname", hostname);
            return this;
        }

        public EndpointBuilder nodeName(String nodeName) {
            ep.put("nodeName", nodeName);
            return this;
        }

        public EndpointBuilder zone(String zone) {
            ep.put("zone", zone);
            return this;
        }

        /** targetRef to a Pod. */
        public EndpointBuilder targetPod(String namespace, String name) {
            ObjectNode t = ep.putObject("targetRef");
            t.put("kind", "Pod");
            t.put("namespace", namespace);
            t.put("name", name);
            return this;
        }

        ObjectNode build() {
            return ep.deepCopy();
        }
    }

    /**
     * A discovery.k8s.io/v1 EndpointSlice; addressType IPv4 unless {@link #addressType} says
     * otherwise or the first endpoint added has an IPv6 address.
     */
    public static final class EndpointSliceBuilder extends Builder<EndpointSliceBuilder> {
        private boolean addressTypeSet;

        EndpointSliceBuilder(String namespace, String name) {
            super("discovery.k8s.io/v1", "EndpointSlice", namespace, name);
            obj.put("addressType", "IPv4");
            obj.putArray("endpoints");
        }

        /** The owning Service: label {@code kubernetes.io/service-name} (and managed-by). */
        public EndpointSliceBuilder service(String serviceName) {
            label("kubernetes.io/service-name", serviceName);
            return label("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        }

        /** A multicluster slice: labels {@code multicluster.kubernetes.io/service-name} and {@code source-cluster}. */
        public EndpointSliceBuilder multiclusterService(String serviceName, String sourceCluster) {
            label("multicluster.kubernetes.io/service-name", serviceName);
            return label("multicluster.kubernetes.io/source-cluster", sourceCluster);
        }

        public EndpointSliceBuilder addressType(String type) {
            obj.put("addressType", type);
            addressTypeSet = true;
            return this;
        }

        public EndpointSliceBuilder endpoint(EndpointBuilder endpoint) {
            ObjectNode ep = endpoint.build();
            ArrayNode eps = (ArrayNode) obj.get("endpoints");
            if (!addressTypeSet && eps.isEmpty() && ep.path("addresses").size() > 0
                    && ep.get("addresses").get(0).asText().contains(":")) {
                obj.put("addressType", "IPv6");
            }
            eps.add(ep);
            return this;
        }

        /** A ready endpoint per address. */
        public EndpointSliceBuilder endpoints(String... addresses) {
            for (String a : addresses) {
                endpoint(new EndpointBuilder(a));
            }
            return this;
        }

        public EndpointSliceBuilder port(String name, String protocol, int port) {
            obj.withArrayProperty("ports").add(portNode(name, protocol, port));
            return this;
        }
    }

    /** A v1 Pod with one pause container, phase Running. */
    public static final class PodBuilder extends Builder<PodBuilder> {
        PodBuilder(String namespace, String name) {
            super("v1", "Pod", namespace, name);
            ObjectNode c = obj.putObject("spec").putArray("containers").addObject();
            c.put("name", "c");
            c.put("image", "registry.k8s.io/pause:3.9");
            obj.putObject("status").put("phase", "Running");
        }

        /** status.podIP (the first) and status.podIPs. */
        public PodBuilder ip(String... ips) {
            ObjectNode status = (ObjectNode) obj.get("status");
            status.put("podIP", ips[0]);
            ArrayNode a = status.putArray("podIPs");
            for (String ip : ips) {
                a.addObject().put("ip", ip);
            }
            return this;
        }

        public PodBuilder phase(String phase) {
            ((ObjectNode) obj.get("status")).put("phase", phase);
            return this;
        }

        public PodBuilder nodeName(String nodeName) {
            ((ObjectNode) obj.get("spec")).put("nodeName", nodeName);
            return this;
        }

        public PodBuilder hostNetwork(boolean hostNetwork) {
            ((ObjectNode) obj.get("spec")).put("hostNetwork", hostNetwork);
            return this;
        }
    }

    /** A multicluster.x-k8s.io/v1alpha1 ServiceImport, type ClusterSetIP unless told otherwise. */
    public static final class ServiceImportBuilder extends Builder<ServiceImportBuilder> {
        ServiceImportBuilder(String namespace, String name) {
            super("multicluster.x-k8s.io/v1alpha1", "ServiceImport", namespace, name);
            obj.putObject("spec").put("type", "ClusterSetIP");
        }

        private ObjectNode spec() {
            return (ObjectNode) obj.get("spec");
        }

        /** ClusterSetIP or Headless. */
        public ServiceImportBuilder type(String type) {
            spec().put("type", type);
            return this;
        }

        public ServiceImportBuilder ips(String... ips) {
            ArrayNode a = spec().putArray("ips");
            for (String ip : ips) {
                a.add(ip);
            }
            return this;
        }

        public ServiceImportBuilder port(String name, String protocol, int port) {
            spec().withArrayProperty("ports").add(portNode(name, protocol, port));
            return this;
        }

        /** status.clusters. */
        public ServiceImportBuilder clusters(String... clusters) {
            ArrayNode a = obj.withObjectProperty("status").putArray("clusters");
            for (String c : clusters) {
                a.addObject().put("cluster", c);
            }
            return this;
        }
    }
}
