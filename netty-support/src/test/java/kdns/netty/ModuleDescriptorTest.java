package kdns.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * module-info: the host and plugins require this module by name, and it sits in the boot layer
 * beside Netty, so it must export its package and need nothing but Netty (no kdns module: the host
 * requires this one, and a plugin layer must not reach the host through it).
 */
class ModuleDescriptorTest {

    @Test
    void exportsItsPackageAndRequiresOnlyNetty() throws Exception {
        ModuleDescriptor d;
        Path classes = Path.of(BatchReadBuffers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.netty", d.name());
        assertEquals(Set.of("kdns.netty"), d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        Map<String, Set<Requires.Modifier>> requires = d.requires().stream()
                .filter(r -> !r.name().equals("java.base"))
                .collect(Collectors.toMap(Requires::name, Requires::modifiers));
        // transitive: BatchReadBuffers' superclass and UNTRACKED's type are Netty's
        assertEquals(Map.of("io.netty.buffer", Set.of(Requires.Modifier.TRANSITIVE),
                "io.netty.transport", Set.of(Requires.Modifier.TRANSITIVE)), requires);
        assertEquals(Set.of(BatchReadBuffers.class.getPackageName()), d.packages());
    }
}
