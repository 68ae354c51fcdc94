package kdns.plugin.kubernetes.model;

import static kdns.plugin.kubernetes.spi.ObjectValues.quote;

import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kdns.api.Log;
import kdns.api.text.IpLiterals;
import kdns.api.text.RecordValues;
import kdns.plugin.kubernetes.spi.ObjectValues;
import kdns.plugin.kubernetes.spi.ObjectValues.Dropped;
import kdns.plugin.kubernetes.spi.Port;

/**
 * Turns the official client's objects into the small immutable model the index keeps. The informers
 * and the tests that load API-shaped JSON both go through here.
 *
 * <p>This is where API values enter, so this is where they are checked: a port outside 1..65535, an
 * address that is not an IP, a host name that cannot be a DNS name would make record building throw
 * while answering. Such a part is dropped with one warning naming the object, and the rest of the
 * object still serves.
 */
public final class Convert {

    private static final Log LOG = Log.forPlugin("kubernetes");

    /** The label that ties an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** The annotation the programming-duration metric is measured from. */
    public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private Convert() {
    }

    /** The service, or null when it has no name. */
    public static ServiceInfo service(V1Service s) {
        return s == null ? null : serviceOf(fields(s));
    }

    /** The service of these values, or null when it has no name. */
    public static ServiceInfo serviceOf(Fields.Service s) {
        Fields.Meta m = s.meta();
        if (m == null || m.name() == null) {
            return null;
        }
        String key = nullToEmpty(m.namespace()) + "/" + m.name();
        if (!RecordValues.isLabel(m.name())
                || !nullToEmpty(m.namespace()).isEmpty() && !RecordValues.isLabel(m.namespace())) {
            LOG.warning("Service " + key + ": the name is not a DNS label, ignored");
            return null;
        }
        Dropped dropped = new Dropped("Service", key);
        Fields.ServiceSpec spec = s.spec();
        List<String> ips = new ArrayList<>();
        List<Port> ports = new ArrayList<>();
        List<String> external = new ArrayList<>();
        String type = null;
        String externalName = null;
        if (spec != null) {
            type = Shared.string(spec.type());
            externalName = spec.externalName();
            if (externalName != null && !externalName.isEmpty() && !IpLiterals.isLiteral(externalName)
                    && !RecordValues.isDomainName(externalName)) {
                dropped.add("externalName " + quote(externalName) + " (not a domain name)");
                externalName = null;
            }
            if (spec.clusterIPs() != null && !spec.clusterIPs().isEmpty()) {
                addClusterIps(ips, spec.clusterIPs(), dropped);
            } else if (spec.clusterIP() != null && !spec.clusterIP().isEmpty()) {
                addClusterIps(ips, List.of(spec.clusterIP()), dropped);
            }
            if (spec.ports() != null) {
                for (Fields.PortValue p : spec.ports()) {
                    if (p == null) {
                        continue;
                    }
                    addPort(ports, p.name(), p.protocol(), p.port(), dropped);
                }
            }
            if (spec.externalIPs() != null) {
                for (String ip : spec.externalIPs()) {
                    addAddress(external, ip, "externalIP", dropped);
                }
            }
        }
        if (s.ingress() != null) {
            for (Fields.Ingress in : s.ingress()) {
                if (in == null) {
                    continue;
                }
                if (in.ip() != null && !in.ip().isEmpty()) {
                    addAddress(external, in.ip(), "load-balancer ip", dropped);
                } else if (in.hostname() != null && !in.hostname().isEmpty()) {
                    if (RecordValues.isDomainName(in.hostname()) && !IpLiterals.isLiteral(in.hostname())) {
                        external.add(in.hostname());
                    } else {
                        dropped.add("load-balancer hostname " + quote(in.hostname()) + " (not a domain name)");
                    }
                }
            }
        }
        dropped.warn();
        return new ServiceInfo(namespace(m), m.name(), type, ips, externalName, ports, external);
    }

    /** The slice, or null when it carries no {@code kubernetes.io/service-name} label (CoreDNS ignores it). */
    public static SliceInfo slice(V1EndpointSlice s) {
        return slice(s, true);
    }

    /** {@link #slice(V1EndpointSlice)}, keeping the endpoints' target names only when {@code targetNames}. */
    public static SliceInfo slice(V1EndpointSlice s, boolean targetNames) {
        return s == null ? null : sliceOf(fields(s), targetNames);
    }

    /** {@link #sliceOf(Fields.Slice, boolean)} keeping the endpoints' target names. */
    public static SliceInfo sliceOf(Fields.Slice s) {
        return sliceOf(s, true);
    }

    /**
     * The slice of these values, or null without the service-name label; read as {@link EndpointSlices}
     * reads a model (ready endpoints' addresses, then the ports), the same checks in the same order.
     *
     * @param targetNames whether to keep the endpoints' {@code targetRef.name}: only names made with
     *                    {@code endpoint_pod_names} use it, and a pod's name is most of what an
     *                    endpoint would hold (a string of about 70 bytes, each endpoint its own)
     */
    public static SliceInfo sliceOf(Fields.Slice s, boolean targetNames) {
        Fields.Meta m = s.meta();
        if (m == null || m.name() == null || m.labels() == null) {
            return null;
        }
        String svc = m.labels().get(SERVICE_NAME_LABEL);
        if (svc == null || svc.isEmpty()) {
            return null;
        }
        Dropped dropped = new Dropped("EndpointSlice", nullToEmpty(m.namespace()) + "/" + m.name());
        List<Endpoint> eps = new ArrayList<>();
        if (s.endpoints() != null) {
            for (Fields.EndpointValue e : s.endpoints()) {
                if (e == null || (e.ready() != null && !e.ready()) || e.addresses() == null) {
                    continue;
                }
                String hostname = ObjectValues.endpointLabel(e.hostname(), "hostname", dropped);
                for (String a : e.addresses()) {
                    if (a == null || a.isEmpty()) {
                        continue;
                    }
                    if (!IpLiterals.isLiteral(a)) {
                        dropped.add("address " + quote(a) + " (not an IP address)");
                        continue;
                    }
                    eps.add(new Endpoint(a, hostname, targetNames ? e.targetRefName() : "", Shared.string(e.nodeName()),
                            Shared.string(e.zone())));
                }
            }
        }
        List<Port> ports = new ArrayList<>();
        if (s.ports() != null) {
            for (Fields.PortValue p : s.ports()) {
                if (p != null) {
                    addPort(ports, p.name(), p.protocol(), p.port(), dropped);
                }
            }
        }
        dropped.warn();
        long trigger = -1;
        Map<String, String> ann = m.annotations();
        if (ann != null && ann.get(TRIGGER_TIME_ANNOTATION) != null) {
            try {
                trigger = OffsetDateTime.parse(ann.get(TRIGGER_TIME_ANNOTATION)).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                trigger = -1;
            }
        }
        return new SliceInfo(namespace(m), m.name(), svc, eps, ports, trigger);
    }

    /** The pod, or null when it is being deleted or has no name. */
    public static PodInfo pod(V1Pod p) {
        return p == null ? null : podOf(fields(p));
    }

    /** The pod of these values, or null when it is being deleted or has no name. */
    public static PodInfo podOf(Fields.Pod p) {
        Fields.Meta m = p.meta();
        if (m == null || m.name() == null || m.deleting()) {
            return null;
        }
        String ip = p.podIP();
        if (ip != null && !ip.isEmpty() && !IpLiterals.isLiteral(ip)) {
            LOG.warning("Pod " + nullToEmpty(m.namespace()) + "/" + m.name() + ": podIP " + quote(ip)
                    + " is not an IP address, ignored");
            ip = null;
        }
        return new PodInfo(namespace(m), m.name(), ip, present(m.labels()));
    }

    // ---- the models taken apart: the same values kdns's own reader of the stream gives ------------

    static Fields.Service fields(V1Service s) {
        V1ServiceSpec spec = s.getSpec();
        Fields.ServiceSpec values = spec == null ? null : new Fields.ServiceSpec(spec.getType(),
                spec.getExternalName(), spec.getClusterIPs(), spec.getClusterIP(),
                spec.getPorts() == null ? null : spec.getPorts().stream()
                        .map(p -> p == null ? null : new Fields.PortValue(p.getName(), p.getProtocol(), p.getPort()))
                        .toList(),
                spec.getExternalIPs());
        List<Fields.Ingress> ingress = null;
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null) {
            ingress = new ArrayList<>();
            for (V1LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) {
                ingress.add(in == null ? null : new Fields.Ingress(in.getIp(), in.getHostname()));
            }
        }
        return new Fields.Service(meta(s.getMetadata()), values, ingress);
    }

    static Fields.Slice fields(V1EndpointSlice s) {
        List<Fields.EndpointValue> eps = null;
        if (s.getEndpoints() != null) {
            eps = new ArrayList<>();
            for (V1Endpoint e : s.getEndpoints()) {
                eps.add(e == null ? null : new Fields.EndpointValue(
                        e.getConditions() == null ? null : e.getConditions().getReady(), e.getAddresses(),
                        e.getTargetRef() == null ? null : e.getTargetRef().getName(), e.getHostname(),
                        e.getNodeName(), e.getZone()));
            }
        }
        List<Fields.PortValue> ports = null;
        if (s.getPorts() != null) {
            ports = new ArrayList<>();
            for (DiscoveryV1EndpointPort p : s.getPorts()) {
                ports.add(p == null ? null : new Fields.PortValue(p.getName(), p.getProtocol(), p.getPort()));
            }
        }
        return new Fields.Slice(meta(s.getMetadata()), eps, ports);
    }

    static Fields.Pod fields(V1Pod p) {
        return new Fields.Pod(meta(p.getMetadata()), p.getStatus() == null ? null : p.getStatus().getPodIP());
    }

    private static Fields.Meta meta(V1ObjectMeta m) {
        return m == null ? null : new Fields.Meta(m.getNamespace(), m.getName(), m.getResourceVersion(),
                m.getLabels(), m.getAnnotations(), m.getDeletionTimestamp() != null);
    }

    /** A Service port as DNS can use it ({@link ObjectValues#port}), shared ({@link Shared#port}). */
    private static void addPort(List<Port> to, String name, String protocol, Integer port, Dropped dropped) {
        Port p = ObjectValues.port(name, protocol, port, dropped);
        if (p != null) {
            to.add(Shared.port(p));
        }
    }

    /** The cluster IPs that are IP addresses or {@code None} (headless); the API never sends null items. */
    private static void addClusterIps(List<String> to, List<String> from, Dropped dropped) {
        for (String x : from) {
            if (x == null || x.isEmpty()) {
                continue;
            }
            if (x.equals("None") || IpLiterals.isLiteral(x)) {
                to.add(x);
            } else {
                dropped.add("clusterIP " + quote(x) + " (not an IP address)");
            }
        }
    }

    private static void addAddress(List<String> to, String ip, String what, Dropped dropped) {
        if (ip == null || ip.isEmpty()) {
            return;
        }
        if (IpLiterals.isLiteral(ip)) {
            to.add(ip);
        } else {
            dropped.add(what + " " + quote(ip) + " (not an IP address)");
        }
    }

    /** The entries with a key and a value. */
    private static Map<String, String> present(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        labels.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(Shared.string(k), Shared.string(v));
            }
        });
        return out;
    }

    /** The object's namespace, shared ({@link Shared}), or empty. */
    private static String namespace(Fields.Meta m) {
        return m.namespace() == null ? "" : Shared.string(m.namespace());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
