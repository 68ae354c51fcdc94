package kdns.plugin.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kdns.testing.cases.CaseFiles;

/**
 * The query cases of cases/kubernetes.json and of kdns's own cases/corners.json, which runs over
 * the same objects, read through test-support's {@link CaseFiles}.
 */
final class AcceptanceCases {

    /** One query case with everything needed to run it. */
    record Case(String suite, String qname, String qtype, String rcode, String configName, String config,
                List<String> answer, List<String> ns, List<String> extra, JsonNode precondition, String transport,
                List<String> upstream, JsonNode objects, JsonNode raw) {
        @Override
        public String toString() {
            return suite + ": " + qname + " " + qtype + (configName.isEmpty() ? "" : " [" + configName + "]");
        }
    }

    private AcceptanceCases() {
    }

    static JsonNode root() {
        return CaseFiles.read("kubernetes.json");
    }

    /**
     * The cases of cases/corners.json, suite {@code corners}: over kubernetes.json's main objects plus
     * the file's {@code extra_objects}, with the file's configs and, for other names, kubernetes.json's.
     */
    static List<Case> corners() {
        JsonNode main = root();
        JsonNode corners = CaseFiles.read("corners.json");
        ObjectNode configs = ((ObjectNode) main.get("configs")).deepCopy();
        corners.get("configs").fields().forEachRemaining(e -> configs.set(e.getKey(), e.getValue()));
        ArrayNode objects = ((ArrayNode) main.get("objects")).deepCopy();
        objects.addAll((ArrayNode) corners.get("extra_objects"));
        List<Case> out = new ArrayList<>();
        for (JsonNode c : corners.get("cases")) {
            String cfgName = CaseFiles.text(c, "config");
            out.add(make("corners", c, cfgName, configs.get(cfgName).asText(), objects));
        }
        return out;
    }

    static List<Case> all() {
        JsonNode root = root();
        List<Case> out = new ArrayList<>();
        JsonNode configs = root.get("configs");
        ArrayNode objects = (ArrayNode) root.get("objects");
        JsonNode extraObjects = root.get("extra_objects");
        for (JsonNode c : root.get("cases")) {
            String cfgName = CaseFiles.text(c, "config");
            ArrayNode objs = objects;
            JsonNode pre = precondition(c);
            if (pre.has("extra_objects")) {
                objs = objs.deepCopy();
                objs.addAll((ArrayNode) extraObjects.get(pre.get("extra_objects").asText()));
            }
            out.add(make("main", c, cfgName, configs.get(cfgName).asText(), objs));
        }
        for (JsonNode suite : root.get("suites")) {
            String name = suite.get("name").asText();
            JsonNode objs = suite.get("objects");
            for (JsonNode c : suite.get("cases")) {
                String cfgName = CaseFiles.text(c, "config");
                String cfg = suite.has("configs") && !cfgName.isEmpty()
                        ? suite.get("configs").get(cfgName).asText()
                        : suite.get("corefile").asText();
                out.add(make(name, c, cfgName, cfg, objs));
            }
        }
        return out;
    }

    private static Case make(String suite, JsonNode c, String cfgName, String cfg, JsonNode objects) {
        return new Case(suite, CaseFiles.text(c, "qname"), CaseFiles.text(c, "qtype"), CaseFiles.text(c, "rcode"),
                cfgName, cfg, CaseFiles.strings(c, "answer"), CaseFiles.strings(c, "ns"), CaseFiles.strings(c, "extra"),
                precondition(c), CaseFiles.text(c, "transport"), upstream(c), objects, c);
    }

    private static JsonNode precondition(JsonNode c) {
        return c.has("precondition") ? c.get("precondition") : JsonNodeFactory.instance.objectNode();
    }

    /** The upstream records, whatever question they answer (the stub matches them by name and type). */
    private static List<String> upstream(JsonNode c) {
        List<String> out = new ArrayList<>();
        if (c.has("upstream")) {
            c.get("upstream").forEach(records -> records.forEach(r -> out.add(r.asText())));
        }
        return out;
    }

    /** The {@code kubernetes} directive (one line or a braced block) out of a config text with other plugins. */
    static String kubernetesDirective(String config) {
        return directive(config, "kubernetes");
    }

    /** The directive {@code name} (one line or a braced block) out of a config text, or "" when it has none. */
    static String directive(String config, String name) {
        String[] lines = config.split("\n");
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        boolean in = false;
        for (String line : lines) {
            String l = line.replaceAll("#.*", "");
            if (!in && l.strip().split("[\\s{]+", 2)[0].equals(name)) {
                in = true;
            }
            if (!in) {
                continue;
            }
            sb.append(l).append('\n');
            for (char ch : l.toCharArray()) {
                if (ch == '{') {
                    depth++;
                } else if (ch == '}') {
                    depth--;
                }
            }
            if (depth == 0) {
                break;
            }
        }
        return sb.toString();
    }

    /** The other directives of a config (autopath, transfer, k8s_external ...), by first word. */
    static List<String> otherDirectives(String config) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        for (String line : config.split("\n")) {
            String l = line.replaceAll("#.*", "").strip();
            if (l.isEmpty()) {
                continue;
            }
            if (depth == 0 && !l.startsWith("kubernetes") && !l.startsWith("}")) {
                out.add(l.split("\\s+")[0]);
            }
            for (char ch : l.toCharArray()) {
                if (ch == '{') {
                    depth++;
                } else if (ch == '}') {
                    depth--;
                }
            }
        }
        return out;
    }

    /** Directives whose cases run in a harness of their own (the whole block), not in the per-case ones. */
    static final Map<String, String> RUN_ELSEWHERE = Map.of(
            "autopath", "runs in AutopathAcceptanceTest, with the whole server block (autopath before kubernetes)",
            "transfer", "runs in TransferAcceptanceTest (the transfer plugin in front of kubernetes, every message of the stream)");
}
