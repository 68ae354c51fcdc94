package kdns.plugin.kubernetes.model;

import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
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
import java.util.List;
import java.util.Map;

/**
 * Turns the official client's objects into the small immutable model the index keeps. The informers
 * and the tests that load API-shaped JSON both go through here.
 */
public final class Convert {

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
        V1ServiceSpec spec = s.getSpec();
        List<String> ips = new ArrayList<>();
        List<Port> ports = new ArrayList<>();
        List<String> external = new ArrayList<>();
        String type = null;
        String externalName = null;
        if (spec != null) {
            type = spec.getType();
            externalName = spec.getExternalName();
            if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
                addPresent(ips, spec.getClusterIPs());
            } else if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
                ips.add(spec.getClusterIP());
            }
            if (spec.getPorts() != null) {
                for (V1ServicePort p : spec.getPorts()) {
                    if (p == null) {
                        continue;
                    }
                    ports.add(new Port(p.getName(), p.getProtocol(), p.getPort() == null ? -1 : p.getPort()));
                }
            }
            if (spec.getExternalIPs() != null) {
                addPresent(external, spec.getExternalIPs());
            }
        }
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null) {
            for (V1LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) {
                if (in == null) {
                    continue;
                }
                if (in.getIp() != null && !in.getIp().isEmpty()) {
                    external.add(in.getIp());
                } else if (in.getHostname() != null && !in.getHostname().isEmpty()) {
                    external.add(in.getHostname());
                }
            }
        }
        return new ServiceInfo(nullToEmpty(m.getNamespace()), m.getName(), type, ips, externalName, ports, external);
    }

    /** The slice, or null when it carries no {@code kubernetes.io/service-name} label (CoreDNS ignores it). */
    public static SliceInfo slice(V1EndpointSlice s) {
        V1ObjectMeta m = s == null ? null : s.getMetadata();
        if (m == null || m.getName() == null) {
            return null;
        }
        Map<String, String> labels = m.getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        if (svc == null || svc.isEmpty()) {
            return null;
        }
        List<Endpoint> eps = new ArrayList<>();
        if (s.getEndpoints() != null) {
            for (V1Endpoint e : s.getEndpoints()) {
                if (e == null) {
                    continue;
                }
                Boolean ready = e.getConditions() == null ? null : e.getConditions().getReady();
                if (ready != null && !ready) {
                    continue;
                }
                String target = e.getTargetRef() == null ? null : e.getTargetRef().getName();
                if (e.getAddresses() == null) {
                    continue;
                }
                for (String a : e.getAddresses()) {
                    if (a == null || a.isEmpty()) {
                        continue;
                    }
                    eps.add(new Endpoint(a, e.getHostname(), target, e.getNodeName(), e.getZone()));
                }
            }
        }
        List<Port> ports = new ArrayList<>();
        if (s.getPorts() != null) {
            for (DiscoveryV1EndpointPort p : s.getPorts()) {
                if (p == null) {
                    continue;
                }
                ports.add(new Port(p.getName(), p.getProtocol(), p.getPort() == null ? -1 : p.getPort()));
            }
        }
        long trigger = -1;
        Map<String, String> ann = m.getAnnotations();
        if (ann != null && ann.get(TRIGGER_TIME_ANNOTATION) != null) {
            try {
                trigger = OffsetDateTime.parse(ann.get(TRIGGER_TIME_ANNOTATION)).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                trigger = -1;
            }
        }
        return new SliceInfo(nullToEmpty(m.getNamespace()), m.getName(), svc, eps, ports, trigger);
    }

    /** The pod, or null when it is being deleted or has no name. */
    public static PodInfo pod(V1Pod p) {
        V1ObjectMeta m = p == null ? null : p.getMetadata();
        if (m == null || m.getName() == null || m.getDeletionTimestamp() != null) {
            return null;
        }
        String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
        return new PodInfo(nullToEmpty(m.getNamespace()), m.getName(), ip, present(m.getLabels()));
    }

    /** The non-empty strings of {@code from} (the API never sends null items; a broken object might). */
    private static void addPresent(List<String> to, List<String> from) {
        for (String x : from) {
            if (x != null && !x.isEmpty()) {
                to.add(x);
            }
        }
    }

    /** The entries with a key and a value. */
    private static Map<String, String> present(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        labels.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
