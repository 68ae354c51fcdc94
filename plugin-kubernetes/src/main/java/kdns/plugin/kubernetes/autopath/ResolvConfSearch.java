package kdns.plugin.kubernetes.autopath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kdns.api.zones.ZoneNames;

/**
 * The search list of a resolv.conf file, read as the resolver (and miekg/dns's
 * {@code ClientConfigFromFile}) reads it: {@code search} and {@code domain} lines each replace the
 * list, the last one wins; {@code #} and {@code ;} start comments. Domains are normalised.
 */
public final class ResolvConfSearch {

    private ResolvConfSearch() {
    }

    /** The search domains of {@code file}. */
    public static List<String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** The search domains of {@code file}, or an empty list when it cannot be read (CoreDNS's kubernetes does the same). */
    public static List<String> readOrEmpty(Path file) {
        try {
            return read(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    static List<String> parse(List<String> lines) {
        List<String> search = List.of();
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.charAt(0) == '#' || l.charAt(0) == ';') {
                continue;
            }
            String[] f = l.split("\\s+");
            switch (f[0]) {
                case "search" -> {
                    List<String> s = new ArrayList<>();
                    for (int i = 1; i < f.length; i++) {
                        s.add(ZoneNames.normalize(f[i]));
                    }
                    search = List.copyOf(s);
                }
                case "domain" -> search = f.length > 1 ? List.of(ZoneNames.normalize(f[1])) : List.of();
                default -> {
                    // nameserver, options, sortlist: not part of the search path
                }
            }
        }
        return search;
    }
}
