package kdns.plugin.standard.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.process.HostName;

/**
 * {@code chaos [VERSION] [AUTHORS...]}. Parsed as CoreDNS: only the first occurrence in a block
 * counts; with at most one argument the authors are the default list; with more, the authors are
 * the remaining arguments, de-duplicated and sorted. Texts are cut to 255 octets. Lets the block
 * answer queries of any class.
 */
public final class ChaosPlugin implements Plugin {

    /** The authors returned without AUTHORS: kdns has no OWNERS file, so none. */
    static final List<String> DEFAULT_AUTHORS = List.of();

    public ChaosPlugin() {
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public String description() {
        return "answers CH TXT queries for version.bind, authors.bind, hostname.bind and friends";
    }

    /** The parsed arguments. */
    record Config(String version, List<String> authors) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c, c.instance().serverVersion());
        String hostname = trim(HostName.get());
        c.allowAnyClass();
        c.addHandler(next -> new ChaosHandler(next, config.version(), config.authors(), hostname));
    }

    /** @param serverVersion the answer to version.bind when the Corefile gives none */
    static Config parse(Controller c, String serverVersion) {
        if (!c.next()) {
            return new Config(trim(serverVersion), DEFAULT_AUTHORS);
        }
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            return new Config(trim(serverVersion), DEFAULT_AUTHORS);
        }
        if (args.size() == 1) {
            return new Config(trim(args.get(0)), DEFAULT_AUTHORS);
        }
        TreeSet<String> authors = new TreeSet<>();
        for (String a : args.subList(1, args.size())) {
            authors.add(trim(a));
        }
        return new Config(trim(args.get(0)), List.copyOf(new ArrayList<>(authors)));
    }

    /** CoreDNS's {@code trim}: at most 255 characters, the limit of one TXT string. */
    static String trim(String s) {
        return s.length() < 256 ? s : s.substring(0, 255);
    }

}
