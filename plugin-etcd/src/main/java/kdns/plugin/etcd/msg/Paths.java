package kdns.plugin.etcd.msg;

import java.util.ArrayList;
import java.util.List;

/**
 * The SkyDNS key layout (CoreDNS's {@code msg.Path}, {@code msg.PathWithWildcard},
 * {@code msg.Domain}): a name's key is the path prefix followed by its labels in reverse order,
 * {@code service.staging.skydns.local.} under {@code /skydns} is
 * {@code /skydns/local/skydns/staging/service}.
 */
public final class Paths {

    private Paths() {
    }

    /** A key prefix as {@code path.Join("/" + PATH + "/")} cleans it: {@code skydns/} gives {@code /skydns}. */
    public static String normalizePrefix(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(p);
        }
        return "/" + String.join("/", parts);
    }

    /** The key of {@code name} (lower case, fully qualified) under {@code prefix} (normalised). */
    public static String path(String name, String prefix) {
        return key(name, prefix, false).path();
    }

    /** A key to read and whether the name has a {@code *} or {@code any} label. */
    public record Wildcard(String path, boolean star) {
    }

    /**
     * Like {@link #path}, but cut before the first {@code *} or {@code any} label (counted from the
     * top-level domain): {@code prod.*.skydns.test.} gives {@code /skydns/test/skydns}, star.
     */
    public static Wildcard pathWithWildcard(String name, String prefix) {
        return key(name, prefix, true);
    }

    /**
     * The labels of {@code name} (split at unescaped dots, empty ones and the root dropped) appended to {@code prefix} from
     * the last one, each after a slash; with {@code cut}, stopping before a {@code *} or
     * {@code any} label. Every query reads one key, so this works on the label bounds in place
     * rather than on a list of label strings.
     */
    private static Wildcard key(String name, String prefix, boolean cut) {
        int[] bounds = new int[name.length() + 2]; // start and end of each label: at most len/2 + 1 labels
        int n = 0;
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '.') {
                if (i > start) {
                    bounds[n++] = start;
                    bounds[n++] = i;
                }
                start = i + 1;
            }
        }
        if (start < name.length()) {
            bounds[n++] = start;
            bounds[n++] = name.length();
        }
        StringBuilder sb = new StringBuilder(prefix.length() + name.length() + 1).append(prefix);
        for (int k = n - 2; k >= 0; k -= 2) {
            int from = bounds[k];
            int length = bounds[k + 1] - from;
            if (cut && ((length == 1 && name.charAt(from) == '*') || (length == 3 && name.startsWith("any", from)))) {
                return new Wildcard(sb.toString(), true);
            }
            if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '/') {
                sb.append('/');
            }
            sb.append(name, from, from + length);
        }
        return new Wildcard(sb.toString(), false);
    }

    /**
     * The domain name of a key: the prefix removed, the rest reversed, fully qualified.
     * {@code /skydns/local/cluster/staging/service} gives {@code service.staging.cluster.local.}.
     */
    public static String domain(String key, String prefix) {
        String rest = key;
        if (key.startsWith(prefix)) {
            rest = key.substring(prefix.length());
        }
        List<String> parts = new ArrayList<>();
        for (String p : rest.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            return ".";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) {
            sb.append(parts.get(i)).append('.');
        }
        return sb.toString();
    }

    /** Fully qualified: a trailing dot added when missing. */
    public static String fqdn(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /**
     * Removes the {@code n} leftmost labels of a fully qualified name; when that would remove every
     * label the name is returned unchanged (CoreDNS's {@code targetStrip}).
     */
    public static String targetStrip(String name, long n) {
        if (n <= 0) {
            return name;
        }
        int offset = 0;
        boolean end = false;
        for (long i = 0; i < n && !end; i++) {
            // Stops at the end: more labels than the name has leave it unchanged, however many
            // (a huge targetstrip from the data must not spin or overflow the offset).
            int[] r = nextLabel(name, offset);
            offset = r[0];
            end = r[1] == 1;
        }
        if (end) {
            offset = 0;
        }
        return name.substring(offset);
    }

    /** miekg/dns's {@code NextLabel}: the index after the next unescaped dot, and whether the end was reached. */
    private static int[] nextLabel(String s, int offset) {
        if (s.isEmpty()) {
            return new int[] {0, 1};
        }
        int i;
        for (i = offset; i < s.length() - 1; i++) {
            if (s.charAt(i) != '.') {
                continue;
            }
            int j = i - 1;
            while (j >= 0 && s.charAt(j) == '\\') {
                j--;
            }
            if ((j - i) % 2 == 0) {
                continue;
            }
            return new int[] {i + 1, 0};
        }
        return new int[] {i + 1, 1};
    }
}
