package kdns.testing.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.testing.docs.CorefileExamples.Directive;
import kdns.testing.docs.CorefileExamples.Example;
import kdns.testing.docs.CorefileExamples.ServerBlock;
import kdns.testing.docs.CorefileExamples.Use;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorefileExamplesTest {

    @Test
    void splitsBlocksAndDirectivesWithTheirLines() {
        List<ServerBlock> b = CorefileExamples.blocks("a.org b.org {\n    log . {\n        class denial\n    }\n"
                + "    bind 1.2.3.4 # a comment { }\n    bind ::1\n}\n\nc.org {\n whoami\n}\n");
        assertEquals(2, b.size());
        assertEquals(List.of("a.org", "b.org"), b.get(0).keys());
        assertEquals(List.of(new Directive("log", 2, "log . {\nclass denial\n}\n")), b.get(0).named("log"));
        assertEquals(List.of("bind 1.2.3.4 # a comment { }\n", "bind ::1\n"),
                b.get(0).named("bind").stream().map(Directive::text).toList());
        assertEquals(List.of("c.org"), b.get(1).keys());
        assertEquals(List.of("whoami"), b.get(1).directives().stream().map(Directive::name).toList());
    }

    @Test
    void quotedBracesDoNotOpenBlocks() {
        List<ServerBlock> b = CorefileExamples.blocks(". {\n    template IN A {\n        answer \"{{ .Name }} 60 IN A 1.2.3.4\"\n    }\n}\n");
        assertEquals(1, b.size());
        assertEquals(1, b.get(0).directives().size());
    }

    @Test
    void unbalancedBracesFail() {
        assertThrows(AssertionError.class, () -> CorefileExamples.blocks(". {\n    log {\n}\n"));
    }

    @Test
    void zonesLoseSchemeAndPort() {
        assertEquals("example.org", CorefileExamples.zone("dns://example.org:53"));
        assertEquals(".", CorefileExamples.zone(".:53"));
        assertEquals(".", CorefileExamples.zone("tls://:853"));
        assertEquals("10.0.0.0/24", CorefileExamples.zone("10.0.0.0/24"));
    }

    @Test
    void readsBothFenceStylesWithTheirLines(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("README.md");
        Files.writeString(page, "# x\n\n~~~ corefile\nexample.org:1053 {\n    whoami\n}\n~~~\n\ntext\n\n```corefile\n"
                + ". {\n    log\n    whoami\n}\n```\n\n~~~ txt\nnot {\n}\n~~~\n");
        List<Example> examples = CorefileExamples.of(page);
        assertEquals(2, examples.size());
        assertEquals("README.md:3", examples.get(0).toString());
        assertEquals("README.md:11", examples.get(1).toString());
        List<Use> uses = examples.get(1).uses("whoami");
        assertEquals(1, uses.size());
        assertEquals(List.of("."), uses.get(0).zones());
        // the directive's own line in the page: the fence is line 11, "whoami" line 14
        assertEquals("README.md:14", uses.get(0).toString());
        assertEquals(List.of("example.org"), examples.get(0).uses("whoami").get(0).zones());
    }

    @Test
    void tooFewExamplesFail(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("README.md");
        Files.writeString(page, "# x\n");
        assertThrows(AssertionError.class,
                () -> CorefileExamples.eachExample(CorefileExamples.of(page), 1, e -> { }));
    }
}
