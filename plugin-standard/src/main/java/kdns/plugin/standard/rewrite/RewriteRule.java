package kdns.plugin.standard.rewrite;

import java.util.List;

/**
 * One {@code rewrite} rule. {@link #rewrite} may change the question in {@code q} and returns what
 * it does to the reply (possibly nothing), or null when it does not apply.
 */
interface RewriteRule {

    /** Whether a match ends the rule loop ({@code stop}, the default) or lets the next rules run ({@code continue}). */
    boolean stop();

    List<ResponseRule> rewrite(Question q);

    /** The question as the rules have left it so far. */
    final class Question {
        String name;
        int type;
        int dclass;
        private String lower;
        private String lowerOf;

        Question(String name, int type, int dclass) {
            this.name = name;
            this.type = type;
            this.dclass = dclass;
        }

        /** The name in lower case, as CoreDNS's {@code state.Name()} gives it (worked out once per name). */
        String lower() {
            if (lowerOf != name) {
                lower = name.toLowerCase(java.util.Locale.ROOT);
                lowerOf = name;
            }
            return lower;
        }
    }
}
