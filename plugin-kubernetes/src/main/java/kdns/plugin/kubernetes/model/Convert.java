package kdns.plugin.kubernetes.model;

import static kdns.plugin.kubernetes.spi.ObjectValues.quote;

import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
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
import kdns.plugin.kubernetes.spi.EndpointSlices;
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
        V1ObjectMeta m = s == null ? null : s.getMetadata();
        if (m == null || m.getName() == null) {
            return null;
        }
        String key = nullToEmpty(m.getNamespace()) + "/" + m.getName();
        if (!RecordValues.isLabel(m.getName())
                || !nullToEmpty(m.getNamespace()).isEmpty() && !RecordValues.isLabel(m.getNamespace())) {
            LOG.warning("Service " + key + ": the name is not a DNS label, ignored");
            return null;
        }
        Dropped dropped = new Dropped("Service", key);
        V1ServiceSpec spec = s.getSpec();
        List<String> ips = new ArrayList<>();
        List<Port> ports = new ArrayList<>();
        List<String> external = new ArrayList<>();
        String type = null;
        String externalName = null;
        if (spec != null) {
            type = Shared.string(spec.getType());
            externalName = spec.getExternalName();
            if (externalName != null && !externalName.isEmpty() && !IpLiterals.isLiteral(externalName)
                    && !RecordValues.isDomainName(externalName)) {
                dropped.add("externalName " + quote(externalName) + " (not a domain name)");
                externalName = null;
            }
            if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
                addClusterIps(ips, spec.getClusterIPs(), dropped);
            } else if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
                addClusterIps(ips, List.of(spec.getClusterIP()), dropped);
            }
            if (spec.getPorts() != null) {
                for (V1ServicePort p : spec.getPorts()) {
                    if (p == null) {
                        continue;
                    }
                    addPort(ports, p.getName(), p.getProtocol(), p.getPort(), dropped);
                }
            }
            if (spec.getExternalIPs() != null) {
                for (String ip : spec.getExternalIPs()) {
                    addAddress(external, ip, "externalIP", dropped);
                }
            }
        }
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null) {
            for (V1LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) {
                if (in == null) {
                    continue;
                }
                if (in.getIp() != null && !in.getIp().isEmpty()) {
                    addAddress(external, in.getIp(), "load-balancer ip", dropped);
                } else if (in.getHostname() != null && !in.getHostname().isEmpty()) {
                    if (RecordValues.isDomainName(in.getHostname()) && !IpLiterals.isLiteral(in.getHostname())) {
                        external.add(in.getHostname());
                    } else {
                        dropped.add("load-balancer hostname " + quote(in.getHostname()) + " (not a domain name)");
                    }
                }
            }
        }
        dropped.warn();
        return new ServiceInfo(namespace(m), m.getName(), type, ips, externalName, ports, external);
    }

    /** The slice, or null when it carries no {@code kubernetes.io/service-name} label (CoreDNS ignores it). */
    public static SliceInfo slice(V1EndpointSlice s) {
        String svc = EndpointSlices.serviceName(s, SERVICE_NAME_LABEL);
        if (svc == null) {
            return null;
        }
        V1ObjectMeta m = s.getMetadata();
        Dropped dropped = new Dropped("EndpointSlice", nullToEmpty(m.getNamespace()) + "/" + m.getName());
        List<Endpoint> eps = new ArrayList<>();
        EndpointSlices.readyAddresses(s, dropped, (e, address, hostname, target) -> eps.add(
                new Endpoint(address, hostname, target, Shared.string(e.getNodeName()), Shared.string(e.getZone()))));
        List<Port> ports = new ArrayList<>();
        EndpointSlices.addPorts(s, dropped, Shared::port, ports);
        dropped.warn();
        long trigger = -1;
        Map<String, String> ann = m.getAnnotations();
        if (ann != null && ann.get(TRIGGER_TIME_ANNOTATION) != null) {
            try {
                trigger = OffsetDateTime.parse(ann.get(TRIGGER_TIME_ANNOTATION)).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                trigger = -1;
            }
        }
        return new SliceInfo(namespace(m), m.getName(), svc, eps, ports, trigger);
    }

    /** The pod, or null when it is being deleted or has no name. */
    public static PodInfo pod(V1Pod p) {
        V1ObjectMeta m = p == null ? null : p.getMetadata();
        if (m == null || m.getName() == null || m.getDeletionTimestamp() != null) {
            return null;
        }
        String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
        if (ip != null && !ip.isEmpty() && !IpLiterals.isLiteral(ip)) {
            LOG.warning("Pod " + nullToEmpty(m.getNamespace()) + "/" + m.getName() + ": podIP " + quote(ip)
                    + " is not an IP address, ignored");
            ip = null;
        }
        return new PodInfo(namespace(m), m.getName(), ip, present(m.getLabels()));
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
    private static String namespace(V1ObjectMeta m) {
        return m.getNamespace() == null ? "" : Shared.string(m.getNamespace());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
