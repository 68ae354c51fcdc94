package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;
import kdns.api.text.IpLiterals;

/**
 * What the real API server does to an object on create and update, per resource: name
 * validation, defaulting (Service type, cluster IPs, IP families, port protocols; Namespace
 * label and phase; EndpointSlice port protocols) and the checks a DNS plugin could trip over
 * (Service cluster IP immutable, EndpointSlice addressType required).
 */
final class Strategies {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Strategies() {}

    static void validateName(ResourceType type, String name) {
        if (name == null || name.isEmpty()) {
            throw KubeApiException.invalid(type, name, "metadata.name",
                    "Required value: name or generateName is required");
        }
        if (type == ResourceType.SERVICES) {
            if (name.length() > 63 || !DNS1035_LABEL.matcher(name).matches()) {
                throw KubeApiException.invalid(type, name, "metadata.name", "Invalid value: \"" + name
                        + "\": a DNS-1035 label must consist of lower case alphanumeric characters"
                        + " or '-', start with an alphabetic character, and end with an"
                        + " alphanumeric character");
            }
        } else if (type == ResourceType.NAMESPACES) {
            if (name.length() > 63 || !DNS1123_LABEL.matcher(name).matches()) {
                throw KubeApiException.invalid(type, name, "metadata.name", "Invalid value: \"" + name
                        + "\": a lowercase RFC 1123 label must consist of lower case alphanumeric"
                        + " characters or '-', and must start and end with an alphanumeric character");
            }
        } else if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            throw KubeApiException.invalid(type, name, "metadata.name", "Invalid value: \"" + name
                    + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                    + " characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    /** Defaults and validation on create; {@code allocator} hands out cluster IPs. */
    static void prepareForCreate(ResourceType type, ObjectNode obj, ClusterIpAllocator allocator) {
        String name = obj.path("metadata").path("name").asText();
        if (type == ResourceType.NAMESPACES) {
            ObjectNode meta = (ObjectNode) obj.get("metadata");
            meta.withObjectProperty("labels").put("kubernetes.io/metadata.name", name);
            ObjectNode spec = obj.withObjectProperty("spec");
            if (!spec.has("finalizers")) {
                spec.putArray("finalizers").add("kubernetes");
            }
            if (!obj.withObjectProperty("status").has("phase")) {
                obj.withObjectProperty("status").put("phase", "Active");
            }
        } else if (type == ResourceType.SERVICES) {
            defaultService(obj, null, allocator);
        } else if (type == ResourceType.ENDPOINTSLICES) {
            validateEndpointSlice(obj, name);
        }
    }

    /** Defaults and validation on update; {@code old} is the stored object. */
    static void prepareForUpdate(ResourceType type, ObjectNode obj, ObjectNode old,
            ClusterIpAllocator allocator) {
        String name = obj.path("metadata").path("name").asText();
        if (type == ResourceType.NAMESPACES) {
            ((ObjectNode) obj.get("metadata")).withObjectProperty("labels")
                    .put("kubernetes.io/metadata.name", name);
            // spec.finalizers change only through the /finalize subresource
            if (old.has("spec")) {
                obj.set("spec", old.get("spec").deepCopy());
            } else {
                obj.remove("spec");
            }
            if (!obj.withObjectProperty("status").has("phase")) {
                obj.withObjectProperty("status").put("phase", "Active");
            }
        } else if (type == ResourceType.SERVICES) {
            defaultService(obj, old, allocator);
        } else if (type == ResourceType.ENDPOINTSLICES) {
            validateEndpointSlice(obj, name);
        }
    }

    private static void validateEndpointSlice(ObjectNode obj, String name) {
        String at = obj.path("addressType").asText("");
        if (!(at.equals("IPv4") || at.equals("IPv6") || at.equals("FQDN"))) {
            throw KubeApiException.invalid(ResourceType.ENDPOINTSLICES, name, "addressType",
                    at.isEmpty() ? "Required value"
                            : "Unsupported value: \"" + at + "\": supported values: \"FQDN\","
                                    + " \"IPv4\", \"IPv6\"");
        }
        defaultPortProtocols(obj.path("ports"), false);
    }

    private static void defaultService(ObjectNode obj, ObjectNode old, ClusterIpAllocator allocator) {
        String name = obj.path("metadata").path("name").asText();
        ObjectNode spec = obj.withObjectProperty("spec");
        if (!spec.hasNonNull("type")) {
            spec.put("type", "ClusterIP");
        }
        String type = spec.get("type").asText();
        if (!(type.equals("ClusterIP") || type.equals("NodePort") || type.equals("LoadBalancer")
                || type.equals("ExternalName"))) {
            throw KubeApiException.invalid(ResourceType.SERVICES, name, "spec.type",
                    "Unsupported value: \"" + type + "\": supported values: \"ClusterIP\","
                            + " \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        }
        if (!spec.has("sessionAffinity")) {
            spec.put("sessionAffinity", "None");
        }
        if (type.equals("ExternalName")) {
            if (spec.path("externalName").asText("").isEmpty()) {
                throw KubeApiException.invalid(ResourceType.SERVICES, name, "spec.externalName",
                        "Required value");
            }
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
        } else {
            String oldIp = old == null ? "" : old.path("spec").path("clusterIP").asText("");
            boolean oldExternal = old != null
                    && old.path("spec").path("type").asText("").equals("ExternalName");
            if (!spec.hasNonNull("clusterIP") || spec.get("clusterIP").asText().isEmpty()) {
                if (spec.has("clusterIPs") && spec.get("clusterIPs").size() > 0) {
                    spec.put("clusterIP", spec.get("clusterIPs").get(0).asText());
                } else if (!oldIp.isEmpty() && !oldExternal) {
                    spec.put("clusterIP", oldIp);
                    spec.set("clusterIPs", old.path("spec").path("clusterIPs").deepCopy());
                } else {
                    spec.put("clusterIP", allocator.allocate());
                }
            }
            String ip = spec.get("clusterIP").asText();
            if (!oldIp.isEmpty() && !oldExternal && !ip.equals(oldIp)) {
                throw KubeApiException.invalid(ResourceType.SERVICES, name, "spec.clusterIPs[0]",
                        "Invalid value: []string{\"" + ip + "\"}: may not change once set");
            }
            if (!spec.has("clusterIPs") || spec.get("clusterIPs").isEmpty()) {
                spec.putArray("clusterIPs").add(ip);
            } else if (!spec.get("clusterIPs").get(0).asText().equals(ip)) {
                throw KubeApiException.invalid(ResourceType.SERVICES, name, "spec.clusterIPs",
                        "Invalid value: \"" + spec.get("clusterIPs").get(0).asText()
                                + "\": first value must match `spec.clusterIP`");
            }
            if (!ip.equals("None") && !isIp(ip)) {
                throw KubeApiException.invalid(ResourceType.SERVICES, name, "spec.clusterIPs[0]",
                        "Invalid value: \"" + ip + "\": must be a valid IP address, (e.g. 10.9.8.7"
                                + " or 2001:db8::ffff)");
            }
            if (!spec.has("ipFamilies")) {
                ArrayNode fams = spec.putArray("ipFamilies");
                for (JsonNode c : spec.get("clusterIPs")) {
                    fams.add(c.asText().contains(":") ? "IPv6" : "IPv4");
                }
            }
            if (!spec.has("ipFamilyPolicy")) {
                spec.put("ipFamilyPolicy",
                        spec.get("clusterIPs").size() > 1 ? "RequireDualStack" : "SingleStack");
            }
            if (!spec.has("internalTrafficPolicy")) {
                spec.put("internalTrafficPolicy", "Cluster");
            }
        }
        defaultPortProtocols(spec.path("ports"), true);
        if (!obj.has("status")) {
            obj.putObject("status").putObject("loadBalancer");
        }
    }

    private static void defaultPortProtocols(JsonNode ports, boolean targetPort) {
        if (!ports.isArray()) {
            return;
        }
        for (JsonNode p : ports) {
            if (p instanceof ObjectNode port) {
                if (!port.hasNonNull("protocol")) {
                    port.put("protocol", "TCP");
                }
                if (targetPort && !port.has("targetPort") && port.has("port")) {
                    port.set("targetPort", port.get("port"));
                }
            }
        }
    }

    private static boolean isIp(String s) {
        return IpLiterals.isLiteral(s);
    }

    /** True when anything outside metadata and status differs (the generation rule). */
    static boolean specChanged(ObjectNode a, ObjectNode b) {
        return !stripped(a).equals(stripped(b));
    }

    private static ObjectNode stripped(ObjectNode o) {
        ObjectNode c = o.deepCopy();
        c.remove("metadata");
        c.remove("status");
        c.remove("kind");
        c.remove("apiVersion");
        return c;
    }

    /** RFC 7386 JSON merge patch. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    /** Hands out cluster IPs from 10.96.0.0/12 in order, skipping those in use. */
    interface ClusterIpAllocator {
        String allocate();
    }
}
