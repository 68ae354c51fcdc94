package kdns.host.plugins;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The plugin folders' module indexes ({@link ModuleIndex}) for the build scripts
 * (build/assemble-dist.sh runs it from the host jar's class path once the folders hold their final
 * jars) and the tests:
 * <pre>
 *   java -cp kdns-host.jar kdns.host.plugins.ModuleIndexCommand write|check FOLDER...
 * </pre>
 * <ul>
 *   <li>{@code write}: writes each folder's index from the JDK's scan of its jars;</li>
 *   <li>{@code check}: exits 1 unless each folder's index is used as it is (no warning) and gives
 *       the same module descriptors as the JDK's scan, naming each difference.</li>
 * </ul>
 */
public final class ModuleIndexCommand {

    private ModuleIndexCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; the exit status is returned so that tests need no process. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !List.of("write", "check").contains(args[0])) {
            err.println("usage: ModuleIndexCommand write|check FOLDER...");
            return 2;
        }
        int status = 0;
        for (String f : Arrays.asList(args).subList(1, args.length)) {
            Path folder = Path.of(f);
            try {
                status = Math.max(status, args[0].equals("write") ? write(folder, out) : check(folder, out, err));
            } catch (IOException | IllegalArgumentException | FindException e) {
                err.println("cannot " + args[0] + " the module index of " + folder + ": " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static int write(Path folder, PrintStream out) throws IOException {
        List<ModuleIndex.Entry> entries = ModuleIndex.scan(folder);
        Files.writeString(folder.resolve(ModuleIndex.FILE), ModuleIndex.format(entries));
        long scanned = entries.stream().filter(e -> e.descriptor() == null).count();
        if (scanned > 0) {
            out.println("module index of " + folder + ": " + scanned + " of " + entries.size()
                    + " jars have a descriptor the index cannot carry exactly; they are read at start-up");
        }
        return 0;
    }

    private static int check(Path folder, PrintStream out, PrintStream err) {
        List<String> warnings = new ArrayList<>();
        Map<String, ModuleDescriptor> indexed = IndexedModuleFinder.descriptors(IndexedModuleFinder.of(folder, warnings::add));
        Map<String, ModuleDescriptor> scanned = IndexedModuleFinder.descriptors(ModuleFinder.of(folder));
        List<String> problems = new ArrayList<>(warnings);
        for (String name : new TreeSet<>(scanned.keySet())) {
            if (!scanned.get(name).equals(indexed.get(name))) {
                problems.add("module " + name + ": the index gives " + indexed.get(name) + ", the JDK's scan "
                        + scanned.get(name));
            }
        }
        for (String name : new TreeSet<>(indexed.keySet())) {
            if (!scanned.containsKey(name)) {
                problems.add("module " + name + " is in the index only");
            }
        }
        problems.forEach(p -> err.println(folder + ": " + p));
        if (problems.isEmpty()) {
            out.println(folder + ": " + scanned.size() + " modules, the index equals the JDK's scan");
            return 0;
        }
        return 1;
    }
}
