package kdns.plugin.standard.timeouts;

import java.time.Duration;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;

/**
 * {@code timeouts { read D; write D; idle D; maxtcpqueries N }}: the TCP server's timeouts for the
 * block's addresses (each between 1s and 24h), and how many queries one TCP connection may send
 * before it is closed. {@code write} is accepted and not applied: kdns writes a reply on the
 * connection's own thread, so a slow reader holds only itself.
 */
public final class TimeoutsPlugin implements Plugin {

    @Override
    public String name() {
        return "timeouts";
    }

    @Override
    public String description() {
        return "sets the TCP server's read and idle timeouts and queries per connection";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Duration read = null;
        Duration idle = null;
        int maxQueries = 0;
        while (c.next()) {
            if (!c.remainingArgs().isEmpty()) {
                throw c.argErr();
            }
            int set = 0;
            while (c.nextBlock()) {
                String option = c.val();
                List<String> args = c.remainingArgs();
                if (args.size() != 1) {
                    throw c.argErr();
                }
                String v = args.get(0);
                if (option.equals("maxtcpqueries")) {
                    int n;
                    try {
                        n = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw c.err("invalid value for maxtcpqueries '" + v + "': strconv.Atoi: parsing \"" + v
                                + "\": invalid syntax");
                    }
                    if (n == 0 || n < -1) {
                        throw c.err("maxtcpqueries provided '" + n + "' needs to be -1 (unlimited) or a positive integer");
                    }
                    maxQueries = n;
                    set++;
                    continue;
                }
                Duration d = duration(c, v);
                if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(24)) > 0) {
                    throw c.err("timeout provided '" + Durations.format(d) + "' needs to be between 1 second and 24 hours");
                }
                switch (option) {
                    case "read" -> read = d;
                    case "write" -> {
                        // accepted: see the class comment
                    }
                    case "idle" -> idle = d;
                    default -> throw c.err("unknown option: '" + option + "'");
                }
                set++;
            }
            if (set == 0) {
                throw c.err("timeouts block with no timeouts specified");
            }
        }
        c.tcpSettings(read, idle, maxQueries);
    }

    /** CoreDNS's NewDurationFromArg: a Go duration, or a number of seconds. */
    private static Duration duration(Controller c, String v) throws PluginException {
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() < 10) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
    }
}
