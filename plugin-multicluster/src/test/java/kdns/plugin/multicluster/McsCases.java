package kdns.plugin.multicluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import kdns.testing.cases.CaseFiles;

/**
 * The cases of cases/multicluster.json, suite by suite, and the suites of cases/kubernetes.json
 * for the kubernetes block's {@code multicluster} option (served by this module).
 */
final class McsCases {

    private McsCases() {
    }

    /** One suite: its directive, objects, whether the API is reachable, and its cases. */
    record Suite(String name, String corefile, JsonNode objects, boolean synced, List<Case> cases) {
    }

    /** One query and what it must get. */
    record Case(String suite, String qname, String qtype, String rcode, List<String> answer, List<String> ns,
                List<String> extra, String note) {
        @Override
        public String toString() {
            return suite + ": " + qname + " " + qtype + " (" + note + ")";
        }
    }

    static List<Suite> suites() throws Exception {
        return suites("multicluster.json", corefile -> true);
    }

    /** The suites of cases/kubernetes.json whose kubernetes block has the {@code multicluster} option. */
    static List<Suite> kubernetesOptionSuites() throws Exception {
        return suites("kubernetes.json", corefile -> corefile.matches("(?s).*\\n\\s*multicluster\\b.*"));
    }

    private static List<Suite> suites(String file, Predicate<String> corefiles) throws Exception {
        JsonNode root = CaseFiles.read(file);
        List<Suite> out = new ArrayList<>();
        for (JsonNode s : root.get("suites")) {
            if (!s.has("corefile") || !corefiles.test(s.get("corefile").asText())) {
                continue;
            }
            String name = s.get("name").asText();
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : s.get("cases")) {
                cases.add(new Case(name, c.get("qname").asText(), c.get("qtype").asText(), c.get("rcode").asText(),
                        CaseFiles.strings(c, "answer"), CaseFiles.strings(c, "ns"), CaseFiles.strings(c, "extra"),
                        CaseFiles.text(c, "note")));
            }
            out.add(new Suite(name, s.get("corefile").asText(), s.get("objects"),
                    !s.has("synced") || s.get("synced").asBoolean(), cases));
        }
        return out;
    }
}
