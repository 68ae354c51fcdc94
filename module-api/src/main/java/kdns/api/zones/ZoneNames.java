package kdns.api.zones;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Zone and name normalisation (CoreDNS's {@code plugin/normalize.go}). Names are plain strings. */
public final class ZoneNames {

    private ZoneNames() {
    }

    /** Lower case and fully qualified: {@code Example.ORG} becomes {@code example.org.}. */
    public static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    /**
     * True when {@code name} equals {@code zone} or lies below it. Both must be normalised.
     * The root zone {@code .} contains every name.
     */
    public static boolean isSubdomain(String zone, String name) {
        if (zone.equals(".")) {
            return true;
        }
        if (!name.endsWith(zone)) {
            return false;
        }
        int start = name.length() - zone.length();
        return start == 0 || name.charAt(start - 1) == '.';
    }

    /**
     * The longest of {@code zones} that contains {@code name}, or null (CoreDNS's
     * {@code Zones.Matches}). Both must be normalised.
     */
    public static String longestMatch(List<String> zones, String name) {
        String best = null;
        // By index: asked for every query, and an iterator per query is garbage for nothing.
        for (int i = 0, n = zones.size(); i < n; i++) {
            String z = zones.get(i);
            if (isSubdomain(z, name) && (best == null || z.length() > best.length())) {
                best = z;
            }
        }
        return best;
    }

    /**
     * The zones a plugin serves: its own arguments when given (CIDRs expanded to reverse zones),
     * else the server block's zones (CoreDNS's {@code OriginsFromArgsOrServerBlock}).
     */
    public static List<String> originsFromArgsOrServerBlock(List<String> args, List<String> serverBlockZones) {
        if (args.isEmpty()) {
            return List.copyOf(serverBlockZones);
        }
        List<String> out = new ArrayList<>();
        for (String a : args) {
            List<String> reverse = ReverseZones.fromCidr(a);
            if (reverse != null) {
                out.addAll(reverse);
            } else {
                out.add(normalize(a));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The labels of a relative name, split on unescaped dots ({@code a\.b.c} has two labels), each
     * as written, escapes kept: miekg/dns {@code SplitDomainName} without the trailing root.
     */
    public static List<String> splitLabels(String s) {
        List<String> out = new ArrayList<>();
        if (s.indexOf('\\') < 0) {
            // no escapes (nearly every name): the labels are plain substrings
            int start = 0;
            for (int i = s.indexOf('.'); i >= 0; i = s.indexOf('.', start)) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
            out.add(s.substring(start));
            return out;
        }
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == '.') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
