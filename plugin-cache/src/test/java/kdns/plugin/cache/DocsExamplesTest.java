package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kdns.testing.TestController;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the README: the {@code cache} directive of each server block
 * is set up through the test controller with the block's zones.
 */
class DocsExamplesTest {

    /** One {@code cache} directive of an example, with its block's zones. */
    record Use(int line, List<String> zones, String text) {
        @Override
        public String toString() {
            return "README.md:" + line;
        }
    }

    static List<Use> uses() throws IOException {
        List<String> lines = Files.readAllLines(ModuleDescriptorTest.moduleDir().resolve("README.md"));
        List<Use> out = new ArrayList<>();
        int examples = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().matches("(~~~|```)\\s*corefile")) {
                continue;
            }
            examples++;
            String fence = lines.get(i).strip().substring(0, 3);
            List<String> zones = List.of(".");
            int depth = 0;
            for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals(fence); i++) {
                String l = lines.get(i).strip();
                if (depth == 0 && l.endsWith("{")) {
                    String keys = l.substring(0, l.length() - 1).strip();
                    zones = Stream.of(keys.split("\\s+")).map(k -> k.replaceFirst("^[a-z]+://", "")
                            .replaceFirst(":\\d+$", "")).map(k -> k.isEmpty() ? "." : k).toList();
                    depth = 1;
                } else if (depth == 1 && (l.equals("cache") || l.startsWith("cache "))) {
                    int start = i;
                    StringBuilder sb = new StringBuilder(l).append('\n');
                    if (l.endsWith("{")) {
                        int inner = 1;
                        while (inner > 0 && ++i < lines.size()) {
                            String b = lines.get(i).strip();
                            sb.append(b).append('\n');
                            inner += b.endsWith("{") ? 1 : 0;
                            inner -= b.equals("}") ? 1 : 0;
                        }
                    }
                    out.add(new Use(start + 1, zones, sb.toString()));
                } else {
                    depth += l.endsWith("{") ? 1 : 0;
                    depth -= l.equals("}") ? 1 : 0;
                }
            }
        }
        assertTrue(examples >= 3, "the README has examples");
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleSetsUp() throws IOException {
        List<Use> uses = uses();
        assertFalse(uses.isEmpty());
        return uses.stream().map(u -> DynamicTest.dynamicTest(u.toString(), () -> {
            try {
                TestController c = TestController.of(u.text(), u.zones());
                new CachePlugin().setup(c);
                c.handler(new Upstream());
            } catch (Exception e) {
                fail(u + " does not set up: " + e.getMessage() + "\n" + u.text(), e);
            }
        }));
    }
}
