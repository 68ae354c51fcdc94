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
    /** The most labels any zone has: a name's longer suffixes are not looked up. */
    private final int maxZoneLabels;

    public ZoneRouter(List<BlockChain> chains) {
        int max = 0;
        for (BlockChain c : chains) {
            byZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
            max = Math.max(max, labels(c.zone()));
        }
        maxZoneLabels = max;
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
        String n = name;
        // Suffixes longer than every zone cannot match: start at the longest that can (for a
        // server of the root zone alone, the root itself), without a lookup for each label.
        int extra = labels(name) - maxZoneLabels;
        if (extra > 0) {
            n = dropLabels(n, extra);
        }
        while (true) {
            List<BlockChain> blocks = byZone.get(n);
            if (blocks != null) {
                for (BlockChain c : blocks) {
                    // A block without plugins takes the query, whatever the views say: it answers REFUSED.
                    if (request != null && c.head() != null && !c.admits(request)) {
                        continue;
                    }
                    if (qtype == Type.DS && n.equals(name) && !n.equals(".")) {
                        if (dsCandidate == null) {
                            dsCandidate = c;
                        }
                        break;
                    }
                    return c;
                }
            }
            if (n.equals(".")) {
                return dsCandidate;
            }
            n = parent(n);
        }
    }

    /** {@code a.b.} gives {@code b.}; {@code b.} gives {@code .}. Escaped dots are not label ends. */
    static String parent(String n) {
        return dropLabels(n, 1);
    }

    /** {@code n} without its first {@code k} labels ({@code .} when it has no more than k). */
    static String dropLabels(String n, int k) {
        for (int i = 0; i < n.length() - 1; i++) {
            char ch = n.charAt(i);
            if (ch == '\\') {
                i++; // skip the escaped character (\. or the first digit of \DDD)
                continue;
            }
            if (ch == '.' && --k == 0) {
                return n.substring(i + 1);
            }
        }
        return ".";
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
