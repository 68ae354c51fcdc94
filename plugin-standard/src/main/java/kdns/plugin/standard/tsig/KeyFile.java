package kdns.plugin.standard.tsig;

import java.util.LinkedHashMap;
import java.util.Map;
import kdns.api.zones.ZoneNames;

/**
 * The {@code named.conf} key statements of a {@code secrets} file, read line by line as CoreDNS
 * reads them: {@code key "NAME" {}, then {@code secret "BASE64";} and optionally
 * {@code algorithm ...;} (ignored: the query's TSIG names its algorithm), then {@code };}.
 */
final class KeyFile {

    private KeyFile() {
    }

    /** @throws IllegalArgumentException saying what was expected, as CoreDNS's messages do */
    static Map<String, String> parse(String text) {
        Map<String, String> secrets = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            String[] f = fields(lines[i++]);
            if (f.length == 0) {
                continue;
            }
            if (!f[0].equals("key")) {
                throw new IllegalArgumentException("unexpected token \"" + f[0] + "\"");
            }
            String name = f.length < 2 ? "" : strip(f[1], "\"{");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("expected key name \"" + lines[i - 1] + "\"");
            }
            name = ZoneNames.normalize(name);
            if (secrets.containsKey(name)) {
                throw new IllegalArgumentException("key \"" + name + "\" redefined");
            }
            boolean closed = false;
            while (i < lines.length && !closed) {
                String[] g = fields(lines[i++]);
                if (g.length == 0) {
                    continue;
                }
                switch (g[0]) {
                    case "algorithm" -> {
                        // the query's TSIG says which algorithm
                    }
                    case "secret" -> {
                        String secret = g.length < 2 ? "" : strip(g[1], "\";");
                        if (secret.isEmpty()) {
                            throw new IllegalArgumentException("expected secret key \"" + lines[i - 1] + "\"");
                        }
                        secrets.put(name, secret);
                    }
                    case "}", "};" -> closed = true;
                    default -> throw new IllegalArgumentException("unexpected token \"" + g[0] + "\"");
                }
            }
            if (!secrets.containsKey(name)) {
                throw new IllegalArgumentException("expected secret for key \"" + name + "\"");
            }
        }
        return secrets;
    }

    private static String[] fields(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static String strip(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }
}
