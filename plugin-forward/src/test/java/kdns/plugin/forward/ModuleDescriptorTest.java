package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kdns.api.Plugin;
import kdns.plugin.forward.grpc.GrpcPlugin;
import kdns.testing.PluginModuleChecks;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Directive;
import kdns.testing.docs.CorefileExamples.ServerBlock;
import kdns.testing.docs.CorefileExamples.Use;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** module-info, META-INF/services and the README agree; every corefile example of the README sets up. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-forward");
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(ForwardPlugin.class);
        assertEquals("kdns.plugin.forward", d.name());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(List.of("kdns.api", "io.grpc", "io.grpc.netty")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        assertEquals(List.of(ForwardPlugin.class.getName(), ProxyPlugin.class.getName(), GrpcPlugin.class.getName()),
                PluginModuleChecks.providersAgree(ForwardPlugin.class));
        PluginModuleChecks.serviceLoaderFinds("forward", ForwardPlugin.class);
        PluginModuleChecks.serviceLoaderFinds("proxy", ProxyPlugin.class);
        PluginModuleChecks.serviceLoaderFinds("grpc", GrpcPlugin.class);
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve("README.md"), "forward");
    }

    /** grpc has its own page, README.grpc.md, as CoreDNS's plugin/grpc/README.md. */
    @Test
    void grpcReadmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve("README.grpc.md"), "grpc");
    }

    /**
     * Every corefile example of the README: each server block holds forward or proxy stanzas (not
     * both), and each sets up.
     */
    @TestFactory
    Stream<DynamicTest> readmeExamplesSetUp() {
        return CorefileExamples.eachExample(CorefileExamples.of(moduleDir().resolve("README.md")), 8, example -> {
            int stanzas = 0;
            for (ServerBlock b : example.blocks()) {
                Set<String> names = b.directives().stream().map(Directive::name).collect(Collectors.toSet());
                assertTrue(Set.of("forward", "proxy").containsAll(names),
                        "only forward and proxy stanzas in the README's examples: " + names);
                assertFalse(names.size() > 1, "forward and proxy in one example block: " + example);
                for (Directive d : b.directives()) {
                    Plugin p = d.name().equals("proxy") ? new ProxyPlugin(w -> { }) : new ForwardPlugin();
                    try {
                        p.setup(TestController.of(d.text()));
                    } catch (Exception e) {
                        fail(example + " does not set up: " + e.getMessage() + "\n" + d.text(), e);
                    }
                    stanzas++;
                }
            }
            assertTrue(stanzas > 0, "no forward or proxy in\n" + example.text());
        });
    }

    /** Every corefile example of README.grpc.md: its grpc stanzas set up (other plugins are not checked). */
    @TestFactory
    Stream<DynamicTest> grpcReadmeExamplesSetUp() {
        return CorefileExamples.eachExample(CorefileExamples.of(moduleDir().resolve("README.grpc.md")), 7, example -> {
            List<Use> uses = example.uses("grpc");
            assertFalse(uses.isEmpty(), "no grpc stanza in the example at " + example);
            for (Use u : uses) {
                TestController c = TestController.of(u.text());
                try {
                    new GrpcPlugin().setup(c);
                } catch (Exception e) {
                    fail(u + " does not set up: " + e.getMessage() + "\n" + u.text(), e);
                } finally {
                    c.runShutdown();
                }
            }
        });
    }
}
