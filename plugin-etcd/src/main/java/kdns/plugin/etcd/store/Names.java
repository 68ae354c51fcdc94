package kdns.plugin.etcd.store;

/**
 * The DNS names of the keys that plain query names read. A name is plain when every label is
 * lower-case letters, digits, {@code -} and {@code _}, and none is {@code any} (CoreDNS's wildcard
 * label; {@code *} is not a plain character): the presentation form then is the labels as they are,
 * and the key {@link kdns.plugin.etcd.msg.Paths#pathWithWildcard} reads for it is the prefix and the
 * labels in reverse order, whole. {@link #of} gives exactly the names whose path is the key, so
 * a query's name finds the key's node by the name alone.
 */
final class Names {

    private Names() {
    }

    /**
     * The plain name whose path under {@code prefix} (normalised) is {@code path}, or null when
     * there is none (outside the prefix, the prefix itself, an empty or non-plain segment).
     */
    static String of(String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return null;
        }
        int from = prefix.length();
        if (!prefix.endsWith("/")) {
            if (path.length() == from || path.charAt(from) != '/') {
                return null;
            }
            from++;
        }
        if (from == path.length()) {
            return null;
        }
        StringBuilder name = new StringBuilder(path.length() - from + 1);
        int end = path.length();
        while (end > from) {
            int start = path.lastIndexOf('/', end - 1) + 1;
            if (start <= from) {
                start = from;
            }
            if (!plainLabel(path, start, end)) {
                return null;
            }
            name.append(path, start, end).append('.');
            end = start - 1;
        }
        if (end == from) {
            return null; // the rest began with a slash: an empty segment
        }
        return name.toString();
    }

    /** True when {@code name} (fully qualified) is one or more plain labels (the root is not plain). */
    static boolean isPlain(String name) {
        int start = 0;
        int n = name.length();
        if (n < 2 || name.charAt(n - 1) != '.') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (name.charAt(i) == '.') {
                if (!plainLabel(name, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** True for a non-empty label of plain characters that is not {@code any}. */
    private static boolean plainLabel(String s, int from, int to) {
        if (from >= to || (to - from == 3 && s.startsWith("any", from))) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
