package kdns.plugin.standard.template;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kdns.api.Request;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.standard.internal.GoRegex;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * One {@code template CLASS TYPE [ZONES...] { ... }}: where it applies, how names are matched and
 * what it answers.
 *
 * @param ederror the Extended DNS Error code, or -1 for none
 */
record TemplateRule(List<String> zones, int qclass, int qtype, List<GoRegex> regexes, List<GoTemplate> answer,
                    List<GoTemplate> additional, List<GoTemplate> authority, int rcode, int ederror,
                    String ederrorText, Fallthrough fallthrough) {

    /** The outcome of matching a request. */
    sealed interface Match permits Matched, Skip, Fail {
    }

    /** The template answers, with this data. */
    record Matched(TemplateData data) implements Match {
    }

    /** Not this template: the next one is tried. */
    record Skip() implements Match {
    }

    /** Not this template, and it does not fall through: SERVFAIL. */
    record Fail() implements Match {
    }

    private static final Skip SKIP = new Skip();
    private static final Fail FAIL = new Fail();

    /** CoreDNS's {@code template.match}: zone, class and type first (a mismatch always falls through), then the regexes. */
    Match match(Request request) {
        String name = request.name();
        String zone = ZoneNames.longestMatch(zones, name);
        if (zone == null) {
            return SKIP;
        }
        int qc = request.qclass();
        int qt = request.qtype();
        if (qclass != DClass.ANY && qc != DClass.ANY && qc != qclass) {
            return SKIP;
        }
        if (qtype != Type.ANY && qt != Type.ANY && qt != qtype) {
            return SKIP;
        }
        for (GoRegex regex : regexes) {
            List<String> found = regex.find(name);
            if (found == null) {
                continue;
            }
            Map<String, String> group = new HashMap<>();
            for (int i = 0; i < found.size(); i++) {
                group.put(Integer.toString(i), found.get(i));
            }
            List<String> names = regex.names();
            for (int i = 0; i < found.size() && i < names.size(); i++) {
                if (!names.get(i).isEmpty()) {
                    group.put(names.get(i), found.get(i));
                }
            }
            String cls = DClass.string(qc != DClass.ANY ? qc : qclass);
            String typ = Type.string(qt != Type.ANY ? qt : qtype);
            return new Matched(new TemplateData(zone, name, regex.source(), List.copyOf(found), Map.copyOf(group), cls,
                    typ, request.message(), request.ip()));
        }
        return fallthrough.through(name) ? SKIP : FAIL;
    }
}
