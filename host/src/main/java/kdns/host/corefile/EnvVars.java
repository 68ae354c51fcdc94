package kdns.host.corefile;

import java.util.Map;

/**
 * Caddy v1's environment substitution ({@code replaceEnvVars}) over an explicit variable map, so
 * tests and reloads never depend on the process environment.
 *
 * <p>{@code {%NAME%}} is replaced first, then {@code {$NAME}}; an undefined variable becomes the
 * empty string; a reference without a name or without its closing delimiter stops the
 * substitution for that form and the rest is left as written ({@code {%ADDRESS}} stays). Each
 * replacement applies to every occurrence of that exact reference, and the search restarts from the
 * beginning, so a value may itself contain references.
 */
final class EnvVars {

    /**
     * Caddy loops forever when a value contains its own reference ({@code A={$A}}); we stop after
     * this many replacements and keep the text reached so far.
     */
    private static final int MAX_REPLACEMENTS = 10_000;

    private final Map<String, String> env;

    EnvVars(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    String substitute(String s) {
        return replace(replace(s, "{%", "%}"), "{$", "}");
    }

    private String replace(String s, String open, String close) {
        int index = s.indexOf(open);
        int replacements = 0;
        while (index != -1 && replacements < MAX_REPLACEMENTS) {
            // Caddy looks for the closing delimiter from the opening one, not after it: "{%}" has no name.
            int end = s.indexOf(close, index);
            if (end == -1) {
                break;
            }
            if (end <= index + open.length()) {
                return s;
            }
            String ref = s.substring(index, end + close.length());
            String name = ref.substring(open.length(), ref.length() - close.length());
            s = s.replace(ref, env.getOrDefault(name, ""));
            replacements++;
            index = s.indexOf(open);
        }
        return s;
    }
}
