package kdns.plugin.standard.rewrite;

import java.util.Locale;
import kdns.plugin.standard.golang.GoRegex;

/**
 * How the ttl and rcode rules match the question name: {@code exact}, {@code prefix},
 * {@code suffix}, {@code substring} (each against the name made lower-case and absolute, as
 * CoreDNS normalises it) or {@code regex}.
 */
record NameMatch(String kind, String value, GoRegex regex) {

    static NameMatch parse(String kind, String value) {
        String k = kind.toLowerCase(Locale.ROOT);
        return switch (k) {
            case "exact", "prefix", "suffix", "substring" -> new NameMatch(k, NameRule.normalize(value), null);
            case "regex" -> new NameMatch(k, value, GoRegex.compile(value));
            default -> throw new IllegalArgumentException("supports only exact, prefix, suffix, substring, and regex"
                    + " name matching");
        };
    }

    boolean matches(String lowerName) {
        return switch (kind) {
            case "exact" -> lowerName.equals(value);
            case "prefix" -> lowerName.startsWith(value);
            case "suffix" -> lowerName.endsWith(value);
            case "substring" -> lowerName.contains(value);
            default -> regex.find(lowerName) != null;
        };
    }
}
