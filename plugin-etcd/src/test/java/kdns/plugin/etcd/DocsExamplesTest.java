package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kdns.testing.TestController;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every {@code corefile} example of the README: its etcd directive sets up (parse only). */
class DocsExamplesTest {

    @TestFactory
    Stream<DynamicTest> everyCorefileExampleSetsUp() throws Exception {
        List<String> lines = Files.readAllLines(ModuleDescriptorTest.moduleDir().resolve("README.md"));
        List<DynamicTest> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().matches("(~~~|```)\\s*corefile")) {
                continue;
            }
            String fence = lines.get(i).strip().substring(0, 3);
            int start = i + 1;
            StringBuilder sb = new StringBuilder();
            for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals(fence); i++) {
                sb.append(lines.get(i)).append('\n');
            }
            String text = sb.toString();
            out.add(DynamicTest.dynamicTest("README.md:" + start, () -> setUp(text)));
        }
        assertFalse(out.isEmpty());
        return out.stream();
    }

    private static void setUp(String corefile) throws Exception {
        Matcher key = Pattern.compile("^([^\\s{]+)[^{]*\\{", Pattern.MULTILINE).matcher(corefile);
        assertTrue(key.find(), corefile);
        String zone = key.group(1).replaceFirst(":\\d+$", "");
        int at = corefile.indexOf("etcd");
        assertTrue(at > 0, "no etcd directive in\n" + corefile);
        int end = corefile.indexOf('\n', at);
        String directive = corefile.substring(at, end + 1);
        if (directive.contains("{")) {
            int close = corefile.indexOf("\n    }", at);
            directive = corefile.substring(at, close + 6) + "\n";
        }
        String z = zone.equals(".") ? "." : zone.endsWith(".") ? zone : zone + ".";
        TestController c = TestController.of(directive, List.of(z));
        new EtcdPlugin().setup(c);
        assertTrue(c.handler(null) instanceof EtcdHandler);
    }
}
