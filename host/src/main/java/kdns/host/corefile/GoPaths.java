package kdns.host.corefile;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical path operations with Go's {@code path/filepath} results on Unix ({@code Clean},
 * {@code Join}, {@code Dir}), so import paths in messages and token file names read exactly as
 * Caddy prints them. {@link java.nio.file.Path#normalize()} differs (it keeps leading {@code ..}
 * of absolute paths, and prints the empty path differently).
 */
final class GoPaths {

    private GoPaths() {
    }

    static boolean isAbs(String path) {
        return path.startsWith("/");
    }

    /** Shortest equivalent path: no empty, {@code .} or resolvable {@code ..} elements. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.startsWith("/");
        Deque<String> parts = new ArrayDeque<>();
        for (String element : path.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.addLast("..");
                }
                continue;
            }
            parts.addLast(element);
        }
        String joined = String.join("/", parts);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    /** Joins the non-empty elements with {@code /} and cleans the result; "" when all are empty. */
    static String join(String first, String second) {
        if (first.isEmpty()) {
            return second.isEmpty() ? "" : clean(second);
        }
        return second.isEmpty() ? clean(first) : clean(first + "/" + second);
    }

    /** Everything before the last separator, cleaned: {@code /a/b/c.conf} gives {@code /a/b}. */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        return clean(path.substring(0, slash + 1));
    }
}
