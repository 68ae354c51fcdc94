package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Use;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the README: the {@code cache} directive of each server block
 * is set up through the test controller with the block's zones.
 */
class DocsExamplesTest {

    @TestFactory
    Stream<DynamicTest> everyExampleSetsUp() {
        List<CorefileExamples.Example> examples = CorefileExamples.of(ModuleDescriptorTest.moduleDir().resolve("README.md"));
        List<Use> uses = examples.stream().flatMap(e -> e.uses("cache").stream()).toList();
        assertFalse(examples.size() < 3 || uses.isEmpty(), "the README has examples using cache");
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
