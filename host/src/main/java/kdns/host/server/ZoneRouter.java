package kdns.host.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Type;

/**
 * Picks the server block for a query by the longest zone that contains the name (CoreDNS's
 * {@code Server.ServeDNS}): the name itself, then each parent, then the root. A DS query skips an
 * exact match on a zone's own apex in favour of the parent, because the DS lives on the parent side.
 */
public final class ZoneRouter {

    private final Map<String, BlockChain> byZone = new HashMap<>();

    public ZoneRouter(List<BlockChain> chains) {
        for (BlockChain c : chains) {
            byZone.putIfAbsent(c.zone(), c);
        }
    }

    /** The block for a lower-case, fully-qualified name, or null when no zone contains it. */
    public BlockChain route(String name, int qtype) {
        BlockChain dsCandidate = null;
        String n = name;
        while (true) {
            BlockChain c = byZone.get(n);
            if (c != null) {
                if (qtype == Type.DS && n.equals(name) && !n.equals(".")) {
                    dsCandidate = c;
                } else {
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
        for (int i = 0; i < n.length() - 1; i++) {
            char ch = n.charAt(i);
            if (ch == '\\') {
                i++; // skip the escaped character (\. or the first digit of \DDD)
                continue;
            }
            if (ch == '.') {
                return n.substring(i + 1);
            }
        }
        return ".";
    }

    public boolean isEmpty() {
        return byZone.isEmpty();
    }
}
