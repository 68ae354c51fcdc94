package kdns.host.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.host.corefile.CorefileException;
import kdns.host.corefile.CorefileParser;
import kdns.host.corefile.ServerBlock;
import kdns.host.corefile.ServerKeys;

/**
 * The Corefile parser: any text gives server blocks or a CorefileException, never another
 * exception. Imports are resolved against an empty directory.
 */
class CorefileFuzzTest {

    private static final Set<String> DIRECTIVES = Set.of("whoami", "log", "errors", "forward", "cache", "import",
            "kubernetes", "etcd", "health", "ready");

    @FuzzTest(maxDuration = "15s")
    void parse(String text) throws Exception {
        if (text == null) {
            return; // Jazzer's null for the empty input: a Corefile's text is never null
        }
        Path empty = Path.of(System.getProperty("java.io.tmpdir"), "kdns-fuzz-empty");
        try {
            List<ServerBlock> blocks = CorefileParser.parse("Corefile", text, empty, DIRECTIVES,
                    Map.of("PORT", "1053"), w -> { });
            for (ServerBlock b : blocks) {
                ServerKeys.inspect(b, 53);
                b.tokensByDirective();
            }
        } catch (CorefileException expected) {
            // a documented parse error
        }
    }
}
