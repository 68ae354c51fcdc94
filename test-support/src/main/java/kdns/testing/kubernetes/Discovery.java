package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The discovery documents ({@code /api}, {@code /apis}, {@code /version}, ...) of the fake. */
final class Discovery {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Discovery() {}

    /** The document for a discovery path, or empty when the path is not a discovery path. */
    static Optional<ObjectNode> document(String path, String serverAddress) {
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        switch (path) {
            case "/version":
                return Optional.of(version());
            case "/api":
                return Optional.of(apiVersions(serverAddress));
            case "/api/v1":
                return Optional.of(resourceList("", "v1"));
            case "/apis":
                return Optional.of(groupList());
            default:
                break;
        }
        if (path.startsWith("/apis/")) {
            String[] parts = path.substring(6).split("/");
            Map<String, String> groups = groups();
            if (parts.length == 1 && groups.containsKey(parts[0])) {
                return Optional.of(group(parts[0], groups.get(parts[0])));
            }
            if (parts.length == 2 && parts[1].equals(groups.get(parts[0]))) {
                return Optional.of(resourceList(parts[0], parts[1]));
            }
        }
        return Optional.empty();
    }

    static ObjectNode version() {
        ObjectNode v = F.objectNode();
        v.put("major", "1");
        v.put("minor", "34");
        v.put("emulationMajor", "1");
        v.put("emulationMinor", "34");
        v.put("minCompatibilityMajor", "1");
        v.put("minCompatibilityMinor", "33");
        v.put("gitVersion", "v1.34.0");
        v.put("gitCommit", "0000000000000000000000000000000000000000");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2025-08-27T00:00:00Z");
        v.put("goVersion", "go1.24.6");
        v.put("compiler", "gc");
        v.put("platform", "linux/amd64");
        return v;
    }

    private static ObjectNode apiVersions(String serverAddress) {
        ObjectNode o = F.objectNode();
        o.put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        ObjectNode a = o.putArray("serverAddressByClientCIDRs").addObject();
        a.put("clientCIDR", "0.0.0.0/0");
        a.put("serverAddress", serverAddress);
        return o;
    }

    /** group name to its one version, for the groups other than the core group. */
    private static Map<String, String> groups() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ResourceType t : ResourceType.ALL) {
            if (!t.group().isEmpty()) {
                m.put(t.group(), t.version());
            }
        }
        return m;
    }

    private static ObjectNode groupList() {
        ObjectNode o = F.objectNode();
        o.put("kind", "APIGroupList");
        o.put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        groups().forEach((g, v) -> {
            ObjectNode grp = group(g, v);
            grp.remove("kind");
            grp.remove("apiVersion");
            groups.add(grp);
        });
        return o;
    }

    private static ObjectNode group(String name, String version) {
        ObjectNode g = F.objectNode();
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        g.put("name", name);
        ObjectNode gv = F.objectNode();
        gv.put("groupVersion", name + "/" + version);
        gv.put("version", version);
        g.putArray("versions").add(gv);
        g.set("preferredVersion", gv.deepCopy());
        return g;
    }

    private static ObjectNode resourceList(String group, String version) {
        ObjectNode o = F.objectNode();
        o.put("kind", "APIResourceList");
        o.put("apiVersion", "v1");
        o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode rs = o.putArray("resources");
        for (ResourceType t : ResourceType.ALL) {
            if (!t.group().equals(group) || !t.version().equals(version)) {
                continue;
            }
            ObjectNode r = rs.addObject();
            r.put("name", t.plural());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            ArrayNode verbs = r.putArray("verbs");
            List.of("create", "delete", "get", "list", "patch", "update", "watch").forEach(verbs::add);
            if (!t.shortNames().isEmpty()) {
                ArrayNode sn = r.putArray("shortNames");
                t.shortNames().forEach(sn::add);
            }
            if (t.statusSubresource()) {
                ObjectNode s = rs.addObject();
                s.put("name", t.plural() + "/status");
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                s.put("kind", t.kind());
                ArrayNode sv = s.putArray("verbs");
                List.of("get", "patch", "update").forEach(sv::add);
            }
        }
        return o;
    }
}
