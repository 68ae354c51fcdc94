package kdns.testing;

/** Edits of one directive's text (a line, or a line with a braced block) that the harnesses share. */
public final class Directives {

    private Directives() {
    }

    /**
     * The directive with {@code lines} added at the top of its block, a block opened when it has
     * none: how a harness gives a case's directive {@code kubeconfig FILE} and the like.
     */
    public static String withLines(String directive, String... lines) {
        String add = String.join("\n", lines);
        String d = directive.strip();
        int brace = d.indexOf('{');
        if (brace < 0) {
            return d + " {\n" + add + "\n}";
        }
        return d.substring(0, brace + 1) + "\n" + add + "\n" + d.substring(brace + 1);
    }
}
