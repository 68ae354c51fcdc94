package kdns.plugin.standard.golang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Go (RE2) regular expression run by {@link Pattern}: {@code (?P<name>...)} groups (Java's group
 * names allow no underscore, so they become plain groups and the names are kept here, by index, as
 * Go's {@code SubexpNames} keeps them) and POSIX classes such as {@code [[:alpha:]]}. Matching is
 * Go's {@code MatchString}: anywhere in the text unless anchored. Shared by template, rewrite and
 * the {@code matches} operator of expressions.
 */
public final class GoRegex {

    /** CoreDNS's limit on a pattern's length (it guards against huge compilations). */
    public static final int MAX_LENGTH = 10_000;

    private static final Map<String, String> POSIX = Map.ofEntries(Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("graph", "\\p{Graph}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
            Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"), Map.entry("word", "\\w"),
            Map.entry("xdigit", "\\p{XDigit}"));

    private final String source;
    private final Pattern pattern;
    /** Index 0 is the whole match; "" for a group without a name. */
    private final List<String> names;

    private GoRegex(String source, Pattern pattern, List<String> names) {
        this.source = source;
        this.pattern = pattern;
        this.names = names;
    }

    public static GoRegex compile(String regex) {
        if (regex.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("regex pattern too long: " + regex.length() + " > " + MAX_LENGTH);
        }
        StringBuilder out = new StringBuilder(regex.length());
        List<String> names = new ArrayList<>();
        names.add("");
        int i = 0;
        boolean inClass = false;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(i + 1));
                i += 2;
                continue;
            }
            if (inClass) {
                if (c == '[' && regex.startsWith("[:", i)) {
                    int end = regex.indexOf(":]", i + 2);
                    String cls = end < 0 ? null : regex.substring(i + 2, end);
                    boolean negated = cls != null && cls.startsWith("^");
                    String java = cls == null ? null : POSIX.get(negated ? cls.substring(1) : cls);
                    if (java != null) {
                        out.append(negated ? "&&[^" + java + "]" : java);
                        i = end + 2;
                        continue;
                    }
                }
                if (c == '[') {
                    out.append("\\[");
                    i++;
                    continue;
                }
                if (c == ']') {
                    inClass = false;
                }
                out.append(c);
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                if (i < regex.length() && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                if (i < regex.length() && regex.charAt(i) == ']') {
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            if (c == '(') {
                if (regex.startsWith("(?P<", i) || regex.startsWith("(?<", i) && !regex.startsWith("(?<=", i)
                        && !regex.startsWith("(?<!", i)) {
                    int nameStart = regex.indexOf('<', i) + 1;
                    int nameEnd = regex.indexOf('>', nameStart);
                    if (nameEnd < 0) {
                        throw new IllegalArgumentException("error parsing regexp: invalid named capture: `"
                                + regex.substring(i) + "`");
                    }
                    names.add(regex.substring(nameStart, nameEnd));
                    out.append('(');
                    i = nameEnd + 1;
                    continue;
                }
                if (!regex.startsWith("(?", i)) {
                    names.add("");
                }
            }
            out.append(c);
            i++;
        }
        try {
            return new GoRegex(regex, Pattern.compile(out.toString()), Collections.unmodifiableList(names));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("error parsing regexp: " + e.getDescription() + ": `" + regex + "`");
        }
    }

    public String source() {
        return source;
    }

    /**
     * Go's {@code FindStringSubmatch} on a match anywhere in {@code text}: the whole match and every
     * group (empty when it took no part), or null when there is no match.
     */
    public List<String> find(String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return null;
        }
        List<String> out = new ArrayList<>(m.groupCount() + 1);
        for (int g = 0; g <= m.groupCount(); g++) {
            String v = m.group(g);
            out.add(v == null ? "" : v);
        }
        return out;
    }

    /** Go's {@code MatchString}: true when the expression matches anywhere in {@code text}. */
    public boolean matches(String text) {
        return pattern.matcher(text).find();
    }

    /** The group names by index, as Go's {@code SubexpNames}. */
    public List<String> names() {
        return names;
    }
}
