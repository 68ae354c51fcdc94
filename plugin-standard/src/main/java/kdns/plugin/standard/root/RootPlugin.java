package kdns.plugin.standard.root;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code root PATH}: the directory the block's relative file names (the zone files of {@code file},
 * the hosts file of {@code hosts}) are taken from. A directory that does not exist yet is only a
 * warning, as in CoreDNS; one that cannot be read is an error.
 */
public final class RootPlugin implements Plugin {

    private static final Log LOG = Log.forPlugin("root");

    @Override
    public String name() {
        return "root";
    }

    @Override
    public String description() {
        return "sets the directory relative file names of a block are taken from";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        String root = "";
        while (c.next()) {
            if (!c.nextArg()) {
                throw c.argErr();
            }
            root = c.val();
        }
        try {
            Files.readAttributes(Path.of(root), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            LOG.warning("Root path does not exist: " + root);
        } catch (IOException | RuntimeException e) {
            throw c.err("unable to access root path '" + root + "': " + e.getMessage());
        }
        c.root(root);
    }
}
