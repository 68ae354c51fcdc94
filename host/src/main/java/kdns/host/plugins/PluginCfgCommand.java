package kdns.host.plugins;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * plugin.cfg for the build scripts, so that they read it with the same parser as the server
 * (build/assemble-dist.sh and build/resolve-external.sh run it from the host jar's class path):
 * <pre>
 *   java -cp kdns-host.jar kdns.host.plugins.PluginCfgCommand names|modules|external PLUGIN_CFG
 * </pre>
 * <ul>
 *   <li>{@code names}: the directive names in chain order, one a line;</li>
 *   <li>{@code modules}: each plugin folder once, in first-use order, one a line; an external
 *       plugin's line adds its {@code groupId:artifactId:version} after a space;</li>
 *   <li>{@code external}: {@code groupId artifactId version} of each external plugin, once.</li>
 * </ul>
 * A malformed plugin.cfg exits with status 1 and the parser's message (file and line).
 */
public final class PluginCfgCommand {

    private PluginCfgCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; the exit status is returned so that tests need no process. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !List.of("names", "modules", "external").contains(args[0])) {
            err.println("usage: PluginCfgCommand names|modules|external PLUGIN_CFG");
            return 2;
        }
        PluginCfg cfg;
        try {
            cfg = PluginCfg.read(Path.of(args[1]));
        } catch (IOException e) {
            err.println("cannot read " + args[1] + ": " + e);
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        switch (args[0]) {
            case "names" -> cfg.names().forEach(out::println);
            case "modules" -> folders(cfg).forEach((module, coordinates) ->
                    out.println(coordinates.isEmpty() ? module : module + " " + coordinates));
            default -> folders(cfg).values().stream().filter(c -> !c.isEmpty())
                    .forEach(c -> out.println(c.replace(':', ' ')));
        }
        return 0;
    }

    /** Module folder to the coordinates it is resolved from ("" for an in-tree module). */
    private static Map<String, String> folders(PluginCfg cfg) {
        Map<String, String> folders = new LinkedHashMap<>();
        for (PluginCfg.Entry e : cfg.entries()) {
            String coordinates = e.external() ? e.coordinates() : "";
            folders.merge(e.module(), coordinates, (a, b) -> a.isEmpty() ? b : a);
        }
        return folders;
    }
}
