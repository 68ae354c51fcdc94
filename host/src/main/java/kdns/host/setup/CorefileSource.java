package kdns.host.setup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import kdns.host.corefile.CorefileException;
import kdns.host.corefile.CorefileParser;
import kdns.host.corefile.ServerBlock;
import kdns.host.corefile.ServerKey;
import kdns.host.corefile.ServerKeys;
import kdns.host.setup.InstanceBuilder.LoadedCorefile;

/**
 * Finds and reads the Corefile the way CoreDNS does: {@code -conf FILE} (a missing file is an
 * error; {@code stdin} reads standard input), else {@code Corefile} in the working directory, else
 * the built-in default; an empty Corefile also falls back to the default.
 */
public final class CorefileSource {

    private CorefileSource() {
    }

    /**
     * @param conf         the {@code -conf} value, or null when not given
     * @param dnsPort      the {@code -dns.port} value
     * @param directives   the names plugin.cfg lists
     * @param env          environment for {@code {$VAR}} substitution
     * @param stdin        standard input, for {@code -conf stdin}
     * @param warnings     where parser warnings go
     */
    public static LoadedCorefile load(String conf, int dnsPort, Set<String> directives, Map<String, String> env,
                                      InputStream stdin, Consumer<String> warnings) throws CorefileException {
        String fileName;
        String text;
        Path baseDir;
        if (conf == null) {
            Path p = Path.of("Corefile");
            fileName = "Corefile";
            baseDir = Path.of("").toAbsolutePath();
            text = Files.isRegularFile(p) ? read(p) : "";
        } else if (conf.equals("stdin")) {
            fileName = "stdin";
            baseDir = Path.of("").toAbsolutePath();
            try {
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CorefileException("reading the Corefile from stdin: " + e.getMessage(), e);
            }
        } else {
            Path p = Path.of(conf);
            fileName = conf;
            Path parent = p.toAbsolutePath().getParent();
            baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
            text = read(p);
        }
        return parse(fileName, text, baseDir, dnsPort, directives, env, warnings);
    }

    /** Parses Corefile text; used by {@link #load} and by in-process test servers. */
    public static LoadedCorefile parse(String fileName, String text, Path baseDir, int dnsPort, Set<String> directives,
                                       Map<String, String> env, Consumer<String> warnings) throws CorefileException {
        List<ServerBlock> blocks = CorefileParser.parse(fileName, text, baseDir, directives, env, warnings);
        if (blocks.isEmpty()) {
            fileName = "Corefile";
            blocks = CorefileParser.parse(fileName, CorefileParser.defaultCorefile(dnsPort), baseDir, directives,
                    env, warnings);
        }
        List<List<ServerKey>> keys = new ArrayList<>();
        List<Boolean> views = new ArrayList<>();
        for (ServerBlock b : blocks) {
            keys.add(ServerKeys.inspect(b, dnsPort));
            views.add(b.tokensByDirective().containsKey("view"));
        }
        ServerKeys.checkDuplicates(keys, views);
        return new LoadedCorefile(fileName, fileName, blocks, keys);
    }

    private static String read(Path p) throws CorefileException {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CorefileException("open " + p + ": no such file or directory");
        } catch (IOException e) {
            throw new CorefileException("open " + p + ": " + e.getMessage(), e);
        }
    }
}
