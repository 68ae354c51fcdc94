package kdns.plugin.standard.listeners;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.PluginException;

/**
 * The block of integer options of CoreDNS's {@code quic}, {@code https} and {@code grpc_server}
 * plugins ({@code NAME {\n option N\n }}), read as their setup functions read it: no arguments on
 * the directive's line, each option once with one integer, CoreDNS's messages for what is wrong.
 * Like CoreDNS, only the directive's first occurrence in a block is read.
 */
public final class ServerLimits {

    private ServerLimits() {
    }

    /**
     * Reads the options; an option absent from the block is absent from the map.
     *
     * @param options  the option names the plugin knows
     * @param positive true when 0 is refused too (CoreDNS's {@code quic}), false when it means no limit
     */
    public static Map<String, Integer> read(Controller c, Set<String> options, boolean positive)
            throws PluginException {
        Map<String, Integer> set = new LinkedHashMap<>();
        if (!c.next()) {
            return set;
        }
        if (!c.remainingArgs().isEmpty()) {
            throw c.argErr();
        }
        while (c.nextBlock()) {
            String option = c.val();
            if (!options.contains(option)) {
                throw c.err("unknown property '" + option + "'");
            }
            List<String> args = c.remainingArgs();
            if (args.size() != 1) {
                throw c.argErr();
            }
            int value;
            try {
                value = Integer.parseInt(args.get(0));
            } catch (NumberFormatException e) {
                throw c.err("invalid " + option + " value '" + args.get(0) + "': strconv.Atoi: parsing \""
                        + args.get(0) + "\": invalid syntax");
            }
            if (positive && value <= 0) {
                throw c.err(option + " must be a positive integer: " + value);
            }
            if (!positive && value < 0) {
                throw c.err(option + " must be a non-negative integer: " + value);
            }
            if (set.containsKey(option)) {
                throw c.err(option + " already defined for this server block");
            }
            set.put(option, value);
        }
        while (c.next()) {
            // a later occurrence in the same block: CoreDNS's setup never reads it
            while (c.nextBlock()) {
                c.remainingArgs();
            }
        }
        return set;
    }
}
