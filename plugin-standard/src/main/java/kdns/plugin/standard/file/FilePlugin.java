package kdns.plugin.standard.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.plugin.standard.process.SharedTimer;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code file DBFILE [ZONES...] { reload DURATION; reload_by_mtime; fallthrough [ZONES...] }}:
 * authoritative zones from RFC 1035 zone files. One file may serve several zones (read once per
 * zone, with it as the origin). A relative path is taken from the {@code root} plugin's directory,
 * else from the working directory.
 */
public final class FilePlugin implements Plugin {

    private static final Log LOG = Log.forPlugin("file");

    @Override
    public String name() {
        return "file";
    }

    @Override
    public String description() {
        return "serves authoritative zones from RFC 1035 zone files, reloaded on change";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<FileZone> zones = new ArrayList<>();
        Fallthrough fall = Fallthrough.NONE;
        while (c.next()) {
            if (!c.nextArg()) {
                throw c.argErr();
            }
            Path file = Path.of(c.val());
            if (!c.root().isEmpty() && !file.isAbsolute()) {
                file = Path.of(c.root()).resolve(file); // relative to the root plugin's directory
            }
            List<String> origins = c.zonesFromArgs();
            Duration reload = Duration.ofMinutes(1);
            boolean byMtime = false;
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "fallthrough" -> fall = Fallthrough.fromArgs(c.remainingArgs());
                    case "reload" -> {
                        List<String> t = c.remainingArgs();
                        if (t.isEmpty()) {
                            throw c.err("reload duration value is expected");
                        }
                        try {
                            reload = Durations.parse(t.get(0));
                        } catch (IllegalArgumentException e) {
                            throw c.err(e.getMessage());
                        }
                        if (reload.isNegative()) {
                            throw c.err("reload duration must not be negative: " + t.get(0));
                        }
                    }
                    case "reload_by_mtime" -> byMtime = true;
                    case "upstream" -> c.remainingArgs(); // accepted and ignored, as CoreDNS does
                    default -> throw c.err("unknown property '" + c.val() + "'");
                }
            }
            boolean readable = Files.isReadable(file);
            if (!readable && reload.isZero()) {
                throw c.err("open " + file + ": no such file or directory");
            }
            if (!readable) {
                LOG.warning("Failed to open \"open " + file + ": no such file or directory\": trying again in "
                        + Durations.format(reload));
            }
            for (String origin : origins) {
                Name o = name(c, origin);
                ZoneData data = null;
                if (readable) {
                    try {
                        data = ZoneData.parse(file, o);
                    } catch (ZoneData.ZoneFileException e) {
                        throw c.err(e.getMessage());
                    }
                }
                zones.add(new FileZone(o, file, data, reload, byMtime));
            }
        }
        Fallthrough fallthrough = fall;
        UpstreamLookup upstream = new UpstreamLookup("file", c.instance());
        c.onStartup(() -> zones.forEach(z -> z.start(SharedTimer.scheduler())));
        c.onShutdown(() -> zones.forEach(FileZone::stop));
        c.addHandler(next -> new FileHandler(next, zones, fallthrough, upstream));
    }

    private static Name name(Controller c, String origin) throws PluginException {
        try {
            return Name.fromString(origin);
        } catch (TextParseException e) {
            throw c.err("invalid zone " + origin + ": " + e.getMessage());
        }
    }
}
