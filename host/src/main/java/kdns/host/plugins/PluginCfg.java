package kdns.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * plugin.cfg: which plugins a distribution holds and the order of every chain (CoreDNS's
 * compile-time list). One entry per line, {@code #} starts a comment:
 * <ul>
 *   <li>{@code name:module} — an in-tree plugin, found in the module folder {@code plugins/<module>/};</li>
 *   <li>{@code name:groupId:artifactId:version} — an external plugin resolved from a Maven
 *       repository when the distribution is built, found in {@code plugins/<artifactId>/}.</li>
 * </ul>
 *
 * @param entries the entries in file order, which is the chain order
 */
public record PluginCfg(List<Entry> entries) {

    /** One line of plugin.cfg. */
    public record Entry(String name, String module, String coordinates, int line) {

        /** True for a {@code name:groupId:artifactId:version} line. */
        public boolean external() {
            return coordinates != null;
        }
    }

    public PluginCfg {
        entries = List.copyOf(entries);
    }

    /** The directive names in chain order. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** The module folders the entries name, each once, in first-use order. */
    public Set<String> modules() {
        Set<String> m = new LinkedHashSet<>();
        entries.forEach(e -> m.add(e.module()));
        return m;
    }

    public static PluginCfg read(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file));
    }

    /**
     * Parses plugin.cfg text.
     *
     * @throws IllegalArgumentException naming the file and line of a malformed or duplicate entry
     */
    public static PluginCfg parse(String fileName, String text) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = fileName + ":" + (i + 1) + ": ";
            String[] parts = line.split(":", -1);
            for (String p : parts) {
                if (p.isBlank() || !p.equals(p.strip())) {
                    throw new IllegalArgumentException(where + "malformed entry '" + line
                            + "': expected name:module or name:groupId:artifactId:version");
                }
            }
            Entry e = switch (parts.length) {
                case 2 -> new Entry(parts[0], parts[1], null, i + 1);
                case 4 -> new Entry(parts[0], parts[2], parts[1] + ":" + parts[2] + ":" + parts[3], i + 1);
                default -> throw new IllegalArgumentException(where + "malformed entry '" + line
                        + "': expected name:module or name:groupId:artifactId:version");
            };
            if (!e.name().matches("[a-z0-9_]+")) {
                throw new IllegalArgumentException(where + "plugin name '" + e.name()
                        + "' must be lower-case letters, digits and '_'");
            }
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException(where + "plugin '" + e.name() + "' is listed twice");
            }
            entries.add(e);
        }
        return new PluginCfg(entries);
    }
}
