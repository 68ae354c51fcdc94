package kdns.host.corefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Resolves {@code import PATTERN} lines that do not name a snippet: a file or a glob, relative to
 * the directory of the file holding the import (Caddy v1's {@code doImport}/{@code doSingleImport}).
 * One instance serves one parse; it counts expansions and keeps each file's tokens so a file
 * imported many times is read once.
 */
final class FileImports {

    /** Loop protection: CoreDNS's Caddy fork stops a parse after this many file/glob imports. */
    static final int MAX_FILE_IMPORTS = 100_000;

    private final String mainFile;
    private final String mainDir;
    private final Consumer<String> warnings;
    private final Map<String, List<Token>> cache = new HashMap<>();
    private int expansions;

    /**
     * @param mainFile the Corefile's name as its tokens carry it
     * @param mainDir  the absolute directory relative imports of the Corefile resolve against
     * @param warnings receives "No files matching import glob pattern: ..." (no level prefix)
     */
    FileImports(String mainFile, Path mainDir, Consumer<String> warnings) {
        this.mainFile = mainFile;
        this.mainDir = GoPaths.clean(mainDir.toAbsolutePath().toString());
        this.warnings = warnings;
    }

    /**
     * The tokens of every file the pattern names, in glob order.
     *
     * @param pattern the import argument after environment substitution
     * @param at      the argument token: its file decides the base directory, errors point at it
     */
    List<Token> resolve(String pattern, Token at) throws CorefileException {
        if (expansions >= MAX_FILE_IMPORTS) {
            throw CorefileException.at(at, "maximum file import depth (" + MAX_FILE_IMPORTS + ") exceeded");
        }
        expansions++;
        String base = at.file().equals(mainFile) ? mainDir : GoPaths.dir(GoPaths.clean(at.file()));
        String globPattern = GoPaths.isAbs(pattern) ? pattern : GoPaths.join(base, pattern);
        if (count(globPattern, '*') > 1 || count(globPattern, '?') > 1
                || (globPattern.indexOf('[') >= 0 && globPattern.indexOf(']') >= 0)) {
            // A pattern with several wildcards can take very long to expand (Caddy issue #2096).
            throw CorefileException.at(at,
                    "Glob pattern may only contain one wildcard (*), but has others: " + globPattern);
        }
        if (globPattern.indexOf('\0') >= 0) {
            // No file system accepts a NUL in a path; Java would throw where Go only fails the stat.
            throw CorefileException.at(at, "File to import not found: " + pattern.replace("\0", "\\x00"));
        }
        List<String> matches;
        try {
            matches = GoGlob.glob(globPattern);
        } catch (GoGlob.BadPatternException e) {
            throw CorefileException.at(at, "Failed to use import pattern " + pattern + ": " + e.getMessage());
        }
        if (matches.isEmpty()) {
            if (containsAny(globPattern, "*?[]")) {
                warnings.accept("No files matching import glob pattern: " + pattern);
            } else {
                throw CorefileException.at(at, "File to import not found: " + pattern);
            }
        }
        List<Token> out = new ArrayList<>();
        for (String file : matches) {
            out.addAll(tokensOf(file, at));
        }
        return out;
    }

    private List<Token> tokensOf(String file, Token at) throws CorefileException {
        String abs = GoPaths.clean(GoPaths.isAbs(file) ? file : GoPaths.join(mainDir, file));
        List<Token> cached = cache.get(abs);
        if (cached != null) {
            return cached;
        }
        Path path = Path.of(file);
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) {
                throw CorefileException.at(at, "Could not import " + file + ": is a directory");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw CorefileException.at(at, "Could not import " + file + ": open " + file + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw CorefileException.at(at, "Could not import " + file + ": open " + file + ": permission denied");
        } catch (IOException e) {
            throw CorefileException.at(at, "Could not import " + file + ": open " + file + ": " + e.getMessage());
        }
        if (bytes.length == 0) {
            // Caddy v1's lexer fails on an input without a single character (io.EOF).
            throw CorefileException.at(at, "Could not read tokens while importing " + file
                    + ": EOF (the file is empty: add a comment line to it or remove the import)");
        }
        List<Token> tokens = List.copyOf(Lexer.tokenize(abs, new String(bytes, StandardCharsets.UTF_8)));
        cache.put(abs, tokens);
        return tokens;
    }

    /** Go's {@code strings.Count} for one character. */
    private static long count(String s, char c) {
        return s.chars().filter(ch -> ch == c).count();
    }

    private static boolean containsAny(String s, String chars) {
        for (int i = 0; i < chars.length(); i++) {
            if (s.indexOf(chars.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }
}
