package kdns.plugin.standard.rewrite;

import java.util.List;
import kdns.plugin.standard.golang.GoRegex;

/** Maps one name (an owner name or a record's target) to another; unchanged when the rule does not apply. */
interface StringRewriter {

    String rewrite(String src);

    /** The whole string becomes {@code replacement} with {@code {N}} replaced by group N, when the regex matches. */
    static StringRewriter regex(GoRegex pattern, String replacement) {
        return src -> {
            List<String> groups = pattern.find(src);
            return groups == null ? src : NameRule.substitute(replacement, groups);
        };
    }

    /** {@code orig} itself, or a name below it, gets {@code replacement} in place of {@code orig}. */
    static StringRewriter remap(String orig, String replacement) {
        return src -> {
            if (src.equals(orig)) {
                return replacement;
            }
            int i = src.length() - orig.length();
            if (i > 0 && src.charAt(i - 1) == '.' && src.endsWith(orig)) {
                return src.substring(0, i) + replacement;
            }
            return src;
        };
    }

    /** A name ending in {@code suffix} ends in {@code replacement} instead. */
    static StringRewriter suffix(String suffix, String replacement) {
        return src -> src.endsWith(suffix) ? src.substring(0, src.length() - suffix.length()) + replacement : src;
    }
}
