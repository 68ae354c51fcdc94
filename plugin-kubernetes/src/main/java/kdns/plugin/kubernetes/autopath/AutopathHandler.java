package kdns.plugin.kubernetes.autopath;

import java.util.List;
import java.util.function.Supplier;
import kdns.api.AutoPather;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Server-side search path completion (CoreDNS's autopath): a query that ends in the client's first
 * search domain is tried with every element of the client's search path in turn, and the first
 * answer that is not NXDOMAIN goes back in one round trip, behind a CNAME from the name asked.
 * Thread-safe: the per-query state lives in a {@link SearchWalk}.
 */
final class AutopathHandler implements Handler {

    static final String NAME = "autopath";

    private final Handler next;
    private final List<String> zones;
    /** The search path of a RESOLV-CONF file, with the {@code ""} sentinel; empty with {@code @plugin}. */
    private final List<String> fileSearch;
    /** The {@code @plugin}'s handler once the chain is built, else null. */
    private final Supplier<AutoPather> source;
    private final AutopathMetrics metrics;

    AutopathHandler(Handler next, List<String> zones, List<String> fileSearch, Supplier<AutoPather> source,
                    AutopathMetrics metrics) {
        this.next = next;
        this.zones = List.copyOf(zones);
        this.fileSearch = List.copyOf(fileSearch);
        this.source = source;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String qname = request.name();
        if (ZoneNames.longestMatch(zones, qname) == null) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        List<String> search = searchPath(request);
        Name base = search.isEmpty() ? null : base(request.qname(), qname, search.get(0));
        if (base == null) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        return new SearchWalk(next, request, writer, base, search, () -> metrics.success(request)).start();
    }

    private List<String> searchPath(Request request) {
        AutoPather p = source.get();
        if (p == null) {
            return fileSearch;
        }
        List<String> s = p.searchPath(request);
        return s == null ? List.of() : s;
    }

    /**
     * The query name without {@code first}, in the client's spelling; null when the name is not
     * strictly below {@code first} (CoreDNS answers SERVFAIL for the domain itself; kdns passes it
     * on, since there is nothing to complete).
     */
    static Name base(Name asked, String lower, String first) {
        if (first.isEmpty() || first.equals(".") || lower.equals(first) || !ZoneNames.isSubdomain(first, lower)) {
            return null;
        }
        try {
            return asked.relativize(Name.fromString(first));
        } catch (TextParseException e) {
            return null;
        }
    }
}
