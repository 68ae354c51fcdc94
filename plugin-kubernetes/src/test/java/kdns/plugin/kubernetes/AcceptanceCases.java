package kdns.plugin.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads cases/kubernetes.json (a test resource copied from the shared spec) and kdns's own
 * cases/corners.json, which runs over the same objects.
 */
final class AcceptanceCases {

    /** One query case with everything needed to run it. */
    record Case(String suite, String qname, String qtype, String rcode, String configName, String config,
                List<String> answer, List<String> ns, List<String> extra, JsonObject precondition, String transport,
                List<String> upstream, JsonArray objects, JsonObject raw) {
        @Override
        public String toString() {
            return suite + ": " + qname + " " + qtype + (configName.isEmpty() ? "" : " [" + configName + "]");
        }
    }

    private AcceptanceCases() {
    }

    static JsonObject root() throws IOException {
        return resource("kubernetes.json");
    }

    private static JsonObject resource(String file) throws IOException {
        try (InputStream in = AcceptanceCases.class.getResourceAsStream("/cases/" + file)) {
            if (in == null) {
                throw new IOException("cases/" + file + " is not on the test class path");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    /**
     * The cases of cases/corners.json, suite {@code corners}: over kubernetes.json's main objects plus
     * the file's {@code extra_objects}, with the file's configs and, for other names, kubernetes.json's.
     */
    static List<Case> corners() throws IOException {
        JsonObject main = root();
        JsonObject corners = resource("corners.json");
        JsonObject configs = main.getAsJsonObject("configs").deepCopy();
        for (Map.Entry<String, JsonElement> e : corners.getAsJsonObject("configs").entrySet()) {
            configs.add(e.getKey(), e.getValue());
        }
        JsonArray objects = main.getAsJsonArray("objects").deepCopy();
        objects.addAll(corners.getAsJsonArray("extra_objects"));
        List<Case> out = new ArrayList<>();
        for (JsonElement e : corners.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            String cfgName = str(c, "config");
            out.add(make("corners", c, cfgName, configs.get(cfgName).getAsString(), objects));
        }
        return out;
    }

    static List<Case> all() throws IOException {
        JsonObject root = root();
        List<Case> out = new ArrayList<>();
        JsonObject configs = root.getAsJsonObject("configs");
        JsonArray objects = root.getAsJsonArray("objects");
        JsonObject extraObjects = root.getAsJsonObject("extra_objects");
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            String cfgName = str(c, "config");
            JsonArray objs = objects;
            JsonObject pre = c.has("precondition") ? c.getAsJsonObject("precondition") : new JsonObject();
            if (pre.has("extra_objects")) {
                objs = objs.deepCopy();
                objs.addAll(extraObjects.getAsJsonArray(pre.get("extra_objects").getAsString()));
            }
            out.add(make("main", c, cfgName, configs.get(cfgName).getAsString(), objs));
        }
        for (JsonElement s : root.getAsJsonArray("suites")) {
            JsonObject suite = s.getAsJsonObject();
            String name = suite.get("name").getAsString();
            JsonArray objs = suite.getAsJsonArray("objects");
            for (JsonElement e : suite.getAsJsonArray("cases")) {
                JsonObject c = e.getAsJsonObject();
                String cfgName = str(c, "config");
                String cfg = suite.has("configs") && !cfgName.isEmpty()
                        ? suite.getAsJsonObject("configs").get(cfgName).getAsString()
                        : suite.get("corefile").getAsString();
                out.add(make(name, c, cfgName, cfg, objs));
            }
        }
        return out;
    }

    private static Case make(String suite, JsonObject c, String cfgName, String cfg, JsonArray objects) {
        return new Case(suite, str(c, "qname"), str(c, "qtype"), str(c, "rcode"), cfgName, cfg, list(c, "answer"),
                list(c, "ns"), list(c, "extra"),
                c.has("precondition") ? c.getAsJsonObject("precondition") : new JsonObject(), str(c, "transport"),
                upstream(c), objects, c);
    }

    /** The upstream records, whatever question they answer (the stub matches them by name and type). */
    private static List<String> upstream(JsonObject c) {
        List<String> out = new ArrayList<>();
        if (c.has("upstream")) {
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("upstream").entrySet()) {
                for (JsonElement r : e.getValue().getAsJsonArray()) {
                    out.add(r.getAsString());
                }
            }
        }
        return out;
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : "";
    }

    private static List<String> list(JsonObject o, String k) {
        List<String> out = new ArrayList<>();
        if (o.has(k)) {
            for (JsonElement e : o.getAsJsonArray(k)) {
                out.add(e.getAsString());
            }
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
