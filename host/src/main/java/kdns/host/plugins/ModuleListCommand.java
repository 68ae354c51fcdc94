package kdns.host.plugins;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes each plugin folder's {@link ModuleList} when the distribution is assembled
 * (build/assemble-dist.sh, with the distribution's own Java version):
 * <pre>
 *   java -cp kdns-host.jar kdns.host.plugins.ModuleListCommand PLUGINS_DIR
 * </pre>
 * A folder it cannot describe gets no list and one line on stderr; the server reads that folder's
 * jars itself, as it does for a folder added by hand.
 */
public final class ModuleListCommand {

    private ModuleListCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            err.println("usage: ModuleListCommand PLUGINS_DIR (a distribution's plugins folder)");
            return 2;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(Path.of(args[0]), Files::isDirectory)) {
            for (Path folder : folders) {
                if (!ModuleList.write(folder)) {
                    err.println("no " + ModuleList.FILE + " for " + folder
                            + ": it holds more than module jars, or they do not make a valid module folder");
                }
            }
        } catch (IOException e) {
            err.println("cannot write the module lists of " + args[0] + ": " + e);
            return 1;
        }
        return 0;
    }
}
