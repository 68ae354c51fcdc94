package kdns.plugin.standard.erratic;

import java.time.Duration;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.process.SharedTimer;

/**
 * {@code erratic { drop [AMOUNT]; truncate [AMOUNT]; delay [AMOUNT [DURATION]]; large }}: CoreDNS's
 * test plugin. It answers A and AAAA questions with 192.0.2.53 and 2001:db8::53 and misbehaves
 * on purpose: it drops every AMOUNT-th query, truncates every AMOUNT-th reply, and delays every
 * AMOUNT-th reply by DURATION (without holding a reader thread), so that clients and the plugins in
 * front of it can be tried against a server that fails.
 */
public final class ErraticPlugin implements Plugin {

    /** What a block's erratic does. Zero means never. */
    record Settings(long drop, long truncate, long delay, Duration duration, boolean large) {
    }

    @Override
    public String name() {
        return "erratic";
    }

    @Override
    public String description() {
        return "a test plugin that answers, drops, truncates and delays queries on purpose";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        long drop = 2;
        boolean dropSeen = false;
        long truncate = 0;
        long delay = 0;
        Duration duration = Duration.ZERO;
        boolean large = false;
        while (c.next()) {
            while (c.nextBlock()) {
                String option = c.val();
                List<String> args = c.remainingArgs();
                switch (option) {
                    case "drop" -> {
                        if (args.size() > 1) {
                            throw c.argErr();
                        }
                        if (!args.isEmpty()) {
                            drop = amount(c, args.get(0));
                            dropSeen = true;
                        }
                    }
                    case "truncate" -> {
                        if (args.size() > 1) {
                            throw c.argErr();
                        }
                        truncate = args.isEmpty() ? 2 : amount(c, args.get(0));
                    }
                    case "delay" -> {
                        if (args.size() > 2) {
                            throw c.argErr();
                        }
                        delay = args.isEmpty() ? 2 : amount(c, args.get(0));
                        duration = Duration.ofMillis(100);
                        if (args.size() == 2) {
                            try {
                                duration = Durations.parse(args.get(1));
                            } catch (IllegalArgumentException e) {
                                throw c.err(e.getMessage());
                            }
                        }
                    }
                    case "large" -> large = true;
                    default -> throw c.err("unknown property '" + option + "'");
                }
            }
        }
        if ((delay > 0 || truncate > 0) && !dropSeen) {
            drop = 0; // as CoreDNS: the default drop only when nothing else was asked for
        }
        Settings settings = new Settings(drop, truncate, delay, duration, large);
        c.addHandler(next -> new ErraticHandler(settings, SharedTimer.scheduler()));
    }

    private static long amount(Controller c, String text) throws PluginException {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw c.err("strconv.ParseInt: parsing \"" + text + "\": invalid syntax");
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw c.err("illegal amount value given \"" + text + "\"");
        }
        return v;
    }
}
