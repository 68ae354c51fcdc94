package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One resource the fake API server serves, with what the real server knows about it: group,
 * version, plural, kind, scope, the field selectors it supports, whether it has a status
 * subresource and whether it maintains {@code metadata.generation}.
 */
record ResourceType(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        boolean builtIn,
        boolean statusSubresource,
        boolean generation,
        Map<String, Function<JsonNode, String>> extraFields) {

    static final ResourceType NAMESPACES = new ResourceType("", "v1", "namespaces", "namespace",
            "Namespace", false, List.of("ns"), true, true, false,
            fields("status.phase"));
    static final ResourceType SERVICES = new ResourceType("", "v1", "services", "service",
            "Service", true, List.of("svc"), true, true, false,
            fields("spec.clusterIP",
                    "spec.type"));
    static final ResourceType PODS = new ResourceType("", "v1", "pods", "pod", "Pod", true,
            List.of("po"), true, true, true,
            fields("spec.nodeName",
                    "spec.restartPolicy",
                    "spec.schedulerName",
                    "spec.serviceAccountName",
                    "spec.hostNetwork",
                    "status.phase",
                    "status.podIP",
                    "status.nominatedNodeName"));
    static final ResourceType ENDPOINTS = new ResourceType("", "v1", "endpoints", "endpoints",
            "Endpoints", true, List.of("ep"), true, false, false, Map.of());
    static final ResourceType ENDPOINTSLICES = new ResourceType("discovery.k8s.io", "v1",
            "endpointslices", "endpointslice", "EndpointSlice", true, List.of(), true, false, true,
            Map.of());
    static final ResourceType SERVICEIMPORTS = new ResourceType("multicluster.x-k8s.io",
            "v1alpha1", "serviceimports", "serviceimport", "ServiceImport", true,
            List.of("svcim"), false, true, true, Map.of());

    static final List<ResourceType> ALL =
            List.of(NAMESPACES, SERVICES, PODS, ENDPOINTS, ENDPOINTSLICES, SERVICEIMPORTS);

    /** {@code v1} or {@code group/version}. */
    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code services} or {@code endpointslices.discovery.k8s.io}, as error messages name it. */
    String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    String listKind() {
        return kind + "List";
    }

    /** The value of a field selector's field, or empty when this resource does not support it. */
    Optional<String> field(JsonNode object, String field) {
        JsonNode meta = object.path("metadata");
        return switch (field) {
            case "metadata.name" -> Optional.of(text(meta.path("name")));
            case "metadata.namespace" -> Optional.of(namespaced ? text(meta.path("namespace")) : "");
            default -> {
                Function<JsonNode, String> f = extraFields.get(field);
                yield f == null ? Optional.empty() : Optional.of(f.apply(object));
            }
        };
    }

    boolean supportsField(String field) {
        return field.equals("metadata.name") || field.equals("metadata.namespace")
                || extraFields.containsKey(field);
    }

    /** Finds a resource by plural, singular, kind or short name (case-insensitive). */
    static Optional<ResourceType> byName(String name) {
        for (ResourceType t : ALL) {
            if (t.plural.equalsIgnoreCase(name) || t.singular.equalsIgnoreCase(name)
                    || t.kind.equalsIgnoreCase(name) || t.shortNames.contains(name.toLowerCase())
                    || t.qualifiedName().equalsIgnoreCase(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static Optional<ResourceType> byApiVersionKind(String apiVersion, String kind) {
        for (ResourceType t : ALL) {
            if (t.apiVersion().equals(apiVersion) && t.kind.equals(kind)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    static Optional<ResourceType> byGroupVersionPlural(String group, String version, String plural) {
        for (ResourceType t : ALL) {
            if (t.group.equals(group) && t.version.equals(version) && t.plural.equals(plural)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    /** Field selectors whose value is the field at their own dotted path. */
    private static Map<String, Function<JsonNode, String>> fields(String... names) {
        Map<String, Function<JsonNode, String>> m = new LinkedHashMap<>();
        for (String name : names) {
            String[] path = name.split("\\.");
            m.put(name, o -> {
                JsonNode n = o;
                for (String p : path) {
                    n = n.path(p);
                }
                if (name.equals("spec.hostNetwork")) {
                    return String.valueOf(n.asBoolean(false));
                }
                return text(n);
            });
        }
        return Map.copyOf(m);
    }
}
