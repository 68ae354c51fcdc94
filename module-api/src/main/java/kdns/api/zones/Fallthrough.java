package kdns.api.zones;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared {@code fallthrough [ZONES...]} option (CoreDNS's {@code plugin/pkg/fall}): for which
 * names a plugin that would answer NXDOMAIN passes the query to the next plugin instead.
 *
 * @param zones the zones fallthrough applies to; empty means never, {@code .} means always
 */
public record Fallthrough(List<String> zones) {

    /** Never fall through (the option is absent). */
    public static final Fallthrough NONE = new Fallthrough(List.of());

    /** Always fall through ({@code fallthrough} without arguments). */
    public static final Fallthrough ROOT = new Fallthrough(List.of("."));

    public Fallthrough {
        zones = List.copyOf(zones);
    }

    /** The option's arguments: none means the root; CIDRs expand to reverse zones. */
    public static Fallthrough fromArgs(List<String> args) {
        if (args.isEmpty()) {
            return ROOT;
        }
        List<String> z = new ArrayList<>();
        for (String a : args) {
            List<String> reverse = ReverseZones.fromCidr(a);
            if (reverse != null) {
                z.addAll(reverse);
            } else {
                z.add(ZoneNames.normalize(a));
            }
        }
        return new Fallthrough(z);
    }

    /** True when a query for {@code name} (normalised) should go to the next plugin. */
    public boolean through(String name) {
        return ZoneNames.longestMatch(zones, name) != null;
    }
}
