package kdns.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kdns.charts.Charts.Rendering;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kubectl (Debian's kubernetes-client) reads every rendering offline. kubectl create/apply
 * --dry-run=client need the API server even with --validate=false (discovery for the REST mapping,
 * the OpenAPI document for validation), so schema validation is not possible here; what kubectl can
 * do without a server is decode every document as an object: {@code kubectl label --local} does that
 * and names each object, which must be exactly the objects helm rendered.
 */
class KubectlTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "autoscaler", "hpa", "monitor", "custom", "dualstack", "verified", "no-kubernetes"})
    void kubectlReadsEveryObject(String values) throws Exception {
        Charts.requireTool("kubectl", "kubernetes-client");
        Rendering r = values.isEmpty() ? Charts.render() : Charts.render(values);
        Path file = dir.resolve("manifests.yaml");
        Files.writeString(file, r.text());
        Charts.Result out = Charts.run(List.of("kubectl", "label", "--local", "-f", file.toString(),
                "kdns.test/checked=yes", "-o", "name"));
        Charts.assertSuccess(out, "kubectl label --local");
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> o : r.objects()) {
            String apiVersion = (String) o.get("apiVersion");
            String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            expected.add(((String) o.get("kind")).toLowerCase() + group + "/" + Y.str(o, "metadata.name"));
        }
        assertEquals(expected.stream().sorted().toList(), out.output().lines().filter(l -> !l.isBlank()).sorted().toList());
    }
}
