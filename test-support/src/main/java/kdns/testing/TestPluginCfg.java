package kdns.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import kdns.api.Plugin;
import kdns.host.plugins.PluginCfg;

/**
 * The plugin.cfg of an in-process test server: every plugin on the class path, in the order of
 * the distribution's plugin.cfg (packed into this jar from the top of the tree, so the two cannot
 * differ); plugins it does not name (test plugins) go last, sorted.
 */
public final class TestPluginCfg {

    /** The distribution's chain order: the names of the top-level plugin.cfg. */
    private static final PluginCfg DISTRIBUTION = distribution("plugin.cfg");
    private static final List<String> ORDER = DISTRIBUTION.names();

    private TestPluginCfg() {
    }

    /** The distribution's plugin.cfg (the top-level one). */
    public static PluginCfg distribution() {
        return DISTRIBUTION;
    }

    /** A plugin.cfg naming every plugin visible to {@code loader}. */
    public static PluginCfg forClassPath(ClassLoader loader) {
        TreeSet<String> found = new TreeSet<>();
        ServiceLoader.load(Plugin.class, loader).stream().forEach(p -> found.add(p.get().name()));
        List<String> names = new ArrayList<>();
        for (String n : ORDER) {
            if (found.remove(n)) {
                names.add(n);
            }
        }
        names.addAll(found);
        StringBuilder sb = new StringBuilder();
        names.forEach(n -> sb.append(n).append(":classpath\n"));
        return PluginCfg.parse("plugin.cfg", sb.toString());
    }

    private static PluginCfg distribution(String resource) {
        try (InputStream in = TestPluginCfg.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("plugin.cfg is not packed into test-support (see its pom)");
            }
            return PluginCfg.parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
