package kdns.testing.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON acceptance case files (cases/*.json at the top of the tree, on every module's test
 * class path as {@code /cases/NAME} through the parent pom), read one way for every runner, with
 * the accessors the runners share.
 */
public final class CaseFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CaseFiles() {
    }

    /** The parsed file {@code cases/NAME}, e.g. {@code read("kubernetes.json")}. */
    public static JsonNode read(String name) {
        try (InputStream in = CaseFiles.class.getResourceAsStream("/cases/" + name)) {
            if (in == null) {
                throw new IllegalStateException("cases/" + name + " is not on the test class path");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse cases/" + name, e);
        }
    }

    /** The text of {@code key} of {@code node}; "" when the key is missing or null. */
    public static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** The strings of the array {@code key} of {@code node}; empty when the key is missing. */
    public static List<String> strings(JsonNode node, String key) {
        List<String> out = new ArrayList<>();
        JsonNode v = node.get(key);
        if (v != null) {
            v.forEach(e -> out.add(e.asText()));
        }
        return List.copyOf(out);
    }
}
