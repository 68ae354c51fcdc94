package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Use;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every {@code corefile} example of the README: its etcd directives set up (parse only). */
class DocsExamplesTest {

    @TestFactory
    Stream<DynamicTest> everyCorefileExampleSetsUp() {
        return CorefileExamples.eachExample(CorefileExamples.of(ModuleDescriptorTest.moduleDir().resolve("README.md")), 1,
                example -> {
                    List<Use> uses = example.uses("etcd");
                    assertFalse(uses.isEmpty(), "no etcd directive in\n" + example.text());
                    for (Use u : uses) {
                        List<String> zones = u.zones().stream().map(z -> z.endsWith(".") ? z : z + ".").toList();
                        TestController c = TestController.of(u.text(), zones);
                        new EtcdPlugin().setup(c);
                        try {
                            assertTrue(c.handler(null) instanceof EtcdHandler, u.toString());
                        } finally {
                            c.runAbandon(); // the client the setup started: this instance never serves
                        }
                    }
                });
    }
}
