package kdns.host.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kdns.api.Request;
import org.xbill.DNS.Type;

/**
 * Picks the server block for a query by the longest zone that contains the name (CoreDNS's
 * {@code Server.ServeDNS}): the name itself, then each parent, then the root. Blocks sharing a zone
 * are tried in Corefile order and the first that admits the query takes it (views); when none does,
 * the parent zones are tried. A DS query skips an exact match on a zone's own apex in favour of the
 * parent, because the DS lives on the parent side.
 */
public final class ZoneRouter {

    private final Map<String, List<BlockChain>> byZone = new HashMap<>();
    /**
     * The zones by the length of their text: a suffix of the query name is looked up by comparing
     * it in place with the zones of its length, so routing makes no string per label it tries.
     */
    private final Zone[][] byLength;
    /** The most labels any zone has: a name's longer suffixes are not looked up. */
    private final int maxZoneLabels;

    private record Zone(String name, List<BlockChain> blocks) {
    }

    public ZoneRouter(List<BlockChain> chains) {
        int max = 0;
        int longest = 0;
        for (BlockChain c : chains) {
            byZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
            max = Math.max(max, labels(c.zone()));
            longest = Math.max(longest, c.zone().length());
        }
        maxZoneLabels = max;
        List<List<Zone>> lists = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            lists.add(new ArrayList<>());
        }
        byZone.forEach((zone, blocks) -> lists.get(zone.length()).add(new Zone(zone, List.copyOf(blocks))));
        byLength = new Zone[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            byLength[i] = lists.get(i).toArray(new Zone[0]);
        }
    }

    /** The block for a lower-case, fully-qualified name, ignoring views (tests and tools). */
    public BlockChain route(String name, int qtype) {
        return route(name, qtype, null);
    }

    /**
     * The block that takes {@code request}, or null when no zone contains its name or no block of
     * those zones admits it. Collects the metadata of each block it tries, as CoreDNS does.
     */
    public BlockChain route(Request request) {
        return route(request.name(), request.qtype(), request);
    }

    private BlockChain route(String name, int qtype, Request request) {
        BlockChain dsCandidate = null;
        // The suffix tried is name[from..]; past the last label it is the root.
        int from = 0;
        // Suffixes longer than every zone cannot match: start at the longest that can (for a
        // server of the root zone alone, the root itself), without a lookup for each label.
        int extra = labels(name) - maxZoneLabels;
        if (extra > 0) {
            from = skipLabels(name, 0, extra);
        }
        while (true) {
            boolean root = from >= name.length() - 1;
            List<BlockChain> blocks = root ? byZone.get(".") : blocksOf(name, from);
            if (blocks != null) {
                for (BlockChain c : blocks) {
                    // A block without plugins takes the query, whatever the views say: it answers REFUSED.
                    if (request != null && c.head() != null && !c.admits(request)) {
                        continue;
                    }
                    if (qtype == Type.DS && from == 0 && !root) {
                        if (dsCandidate == null) {
                            dsCandidate = c;
                        }
                        break;
                    }
                    return c;
                }
            }
            if (root) {
                return dsCandidate;
            }
            from = skipLabels(name, from, 1);
        }
    }

    /** The blocks of the zone spelled {@code name[from..]}, or null when it is no zone. */
    private List<BlockChain> blocksOf(String name, int from) {
        int length = name.length() - from;
        if (length >= byLength.length) {
            return null;
        }
        for (Zone z : byLength[length]) {
            if (name.regionMatches(from, z.name(), 0, length)) {
                return z.blocks();
            }
        }
        return null;
    }

    /**
     * Where {@code n}'s suffix without its first {@code k} labels from {@code from} starts, or
     * {@code n.length()} (the root) when fewer labels are left. Escaped dots are not label ends.
     */
    static int skipLabels(String n, int from, int k) {
        for (int i = from; i < n.length() - 1; i++) {
            char ch = n.charAt(i);
            if (ch == '\\') {
                i++; // skip the escaped character (\. or the first digit of \DDD)
                continue;
            }
            if (ch == '.' && --k == 0) {
                return i + 1;
            }
        }
        return n.length();
    }

    /** How many labels a fully-qualified name has ({@code .} none, {@code b.} one). */
    static int labels(String n) {
        int labels = 0;
        for (int i = 0; i < n.length() - 1; i++) {
            char ch = n.charAt(i);
            if (ch == '\\') {
                i++; // as in parent: an escaped character is no label end
            } else if (ch == '.') {
                labels++;
            }
        }
        return n.equals(".") ? 0 : labels + 1;
    }

    public boolean isEmpty() {
        return byZone.isEmpty();
    }
}
