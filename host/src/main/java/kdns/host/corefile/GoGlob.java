package kdns.host.corefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Go's {@code filepath.Glob} on Unix, as Caddy's {@code import} uses it: {@code *} and {@code ?}
 * never match {@code /}, a backslash escapes the next character, names starting with a dot are
 * not special, matches come back sorted per directory by their bytes, directories match too, and
 * I/O errors while listing are silently ignored.
 *
 * <p>Character classes are not supported: the parser refuses a pattern containing both
 * {@code [} and {@code ]} before globbing, so any {@code [} left is an unterminated class, which
 * Go reports as a malformed pattern.
 */
final class GoGlob {

    /** Go's {@code filepath.ErrBadPattern}. */
    static final class BadPatternException extends Exception {
        BadPatternException() {
            super("syntax error in pattern");
        }
    }

    private GoGlob() {
    }

    /** True when the pattern has a character that makes Glob list directories ({@code *?[\}). */
    static boolean hasMeta(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** The paths matching an absolute pattern, or an empty list. */
    static List<String> glob(String pattern) throws BadPatternException {
        checkWellFormed(pattern);
        return globChecked(pattern);
    }

    private static List<String> globChecked(String pattern) throws BadPatternException {
        if (!hasMeta(pattern)) {
            // Like os.Lstat: a dangling symbolic link still counts as a match.
            return Files.exists(Path.of(pattern), LinkOption.NOFOLLOW_LINKS) ? List.of(pattern) : List.of();
        }
        int slash = pattern.lastIndexOf('/');
        String dir = trimDir(pattern.substring(0, slash + 1));
        String file = pattern.substring(slash + 1);
        if (!hasMeta(dir)) {
            return matchesIn(dir, file);
        }
        if (dir.equals(pattern)) {
            throw new BadPatternException();
        }
        List<String> out = new ArrayList<>();
        for (String d : globChecked(dir)) {
            out.addAll(matchesIn(d, file));
        }
        return out;
    }

    private static String trimDir(String dir) {
        if (dir.isEmpty()) {
            return ".";
        }
        return dir.equals("/") ? dir : dir.substring(0, dir.length() - 1);
    }

    private static List<String> matchesIn(String dir, String pattern) throws BadPatternException {
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // Go ignores I/O errors here
        }
        names.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (match(pattern, n)) {
                out.add(GoPaths.join(dir, n));
            }
        }
        return out;
    }

    /** Go validates the whole pattern before touching the file system. */
    static void checkWellFormed(String pattern) throws BadPatternException {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '[') {
                throw new BadPatternException();
            }
            if (c == '\\') {
                if (i + 1 == pattern.length()) {
                    throw new BadPatternException();
                }
                i++;
            }
        }
    }

    /** Whether {@code name} (one path element) matches {@code pattern} entirely. */
    static boolean match(String pattern, String name) throws BadPatternException {
        checkWellFormed(pattern);
        return matchFrom(pattern.codePoints().toArray(), 0, name.codePoints().toArray(), 0);
    }

    private static boolean matchFrom(int[] p, int pi, int[] s, int si) {
        while (pi < p.length) {
            int c = p[pi];
            if (c == '*') {
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                // A star may swallow any run of characters except a separator.
                for (int k = si; k <= s.length; k++) {
                    if (matchFrom(p, pi, s, k)) {
                        return true;
                    }
                    if (k < s.length && s[k] == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (si >= s.length) {
                return false;
            }
            if (c == '?') {
                if (s[si] == '/') {
                    return false;
                }
            } else {
                if (c == '\\') {
                    pi++;
                    c = p[pi];
                }
                if (c != s[si]) {
                    return false;
                }
            }
            pi++;
            si++;
        }
        return si == s.length;
    }
}
