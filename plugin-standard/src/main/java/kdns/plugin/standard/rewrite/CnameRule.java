package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kdns.api.Log;
import kdns.api.Request;
import kdns.api.lookup.UpstreamLookup;
import kdns.plugin.standard.golang.GoRegex;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code cname [exact|prefix|suffix|substring|regex] FROM TO} (CoreDNS's cname_target.go): a CNAME
 * of the reply whose target matches gets the rewritten target, and the records after it are
 * replaced by the answer of a lookup of the new target through the server (the query's type).
 * The CNAME records before it in the answer are kept; whatever else came before it goes. The
 * reply's TC flag becomes the lookup's. The rule applies to every query (CoreDNS's returns
 * "rewrite done" always), so a {@code stop} cname rule ends the rule loop.
 *
 * @param kind     exact, prefix, suffix, substring or regex
 * @param from     the target (or part of it) to match, lower case; exact ones absolute
 * @param to       the replacement, lower case; exact ones absolute; {@code {N}} is group N for regex
 * @param regex    the compiled {@code from} of a regex rule
 * @param upstream the lookups through the server
 */
record CnameRule(boolean stop, String kind, String from, String to, GoRegex regex, UpstreamLookup upstream)
        implements RewriteRule, ResponseRule {

    private static final Log LOG = Log.forPlugin("rewrite");

    @Override
    public List<ResponseRule> rewrite(Question q) {
        if (kind.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return null;
        }
        return List.of(this);
    }

    /** The cname rule acts only through its lookup. */
    @Override
    public Record apply(Reply reply, Record rr) {
        return rr;
    }

    @Override
    public Lookup lookup(Reply reply, Record rr) {
        if (!(rr instanceof CNAMERecord cname) || upstream == null || reply.query() == null) {
            return null;
        }
        String target = cname.getTarget().toString();
        String[] fromTo = fromTo(target);
        if (fromTo == null || !target.equals(fromTo[0])) {
            return null;
        }
        Name newTarget;
        try {
            newTarget = Name.fromString(fromTo[1], Name.root);
        } catch (TextParseException e) {
            LOG.error("rewritten CNAME target " + fromTo[1] + " is not a name: " + e.getMessage());
            return null;
        }
        String matched = fromTo[0];
        return new Lookup(upstream, question(reply.query(), newTarget),
                answer -> rebuild(reply, rr, matched, newTarget, answer));
    }

    /** CoreDNS's getFromAndToTarget: the target matched and its replacement, or null when the rule does not match. */
    String[] fromTo(String target) {
        switch (kind) {
            case "exact" -> {
                return new String[] {from, to};
            }
            case "prefix" -> {
                return target.startsWith(from) ? new String[] {target, to + target.substring(from.length())} : null;
            }
            case "suffix" -> {
                return target.endsWith(from)
                        ? new String[] {target, target.substring(0, target.length() - from.length()) + to} : null;
            }
            case "substring" -> {
                return target.contains(from) ? new String[] {target, target.replace(from, to)} : null;
            }
            default -> {
                List<String> groups = regex.find(target);
                return groups == null ? null : new String[] {target, NameRule.substitute(to, groups)};
            }
        }
    }

    /** CoreDNS's NewWithQuestion: the query as the chain saw it, asking {@code name}, its type, class IN. */
    private static Request question(Request query, Name name) {
        Message copy = query.message().clone();
        copy.removeAllRecords(Section.QUESTION);
        copy.addRecord(Record.newRecord(name, query.qtype(), DClass.IN), Section.QUESTION);
        return query.withMessage(copy);
    }

    /**
     * The answer's CNAME records up to the first one pointing at {@code matched} (which now points
     * at {@code newTarget}), then the lookup's answer records; the lookup's TC flag.
     */
    private static Record rebuild(Reply reply, Record rr, String matched, Name newTarget, Message lookup) {
        if (lookup == null) {
            LOG.error("upstream lookup of " + newTarget + " returned nothing");
            return rr;
        }
        List<Record> answer = reply.section(Section.ANSWER);
        List<Record> rebuilt = new ArrayList<>();
        Record result = rr;
        for (Record r : answer) {
            if (r instanceof CNAMERecord c) {
                if (c.getTarget().toString().equals(matched)) {
                    CNAMERecord changed = new CNAMERecord(c.getName(), c.getDClass(), c.getTTL(), newTarget);
                    rebuilt.add(changed);
                    if (r == rr) {
                        result = changed;
                    }
                    break;
                }
                rebuilt.add(r);
            }
        }
        rebuilt.addAll(lookup.getSection(Section.ANSWER));
        answer.clear();
        answer.addAll(rebuilt);
        if (lookup.getHeader().getFlag(Flags.TC)) {
            reply.message().getHeader().setFlag(Flags.TC);
        } else {
            reply.message().getHeader().unsetFlag(Flags.TC);
        }
        return result;
    }

    /** Parses the arguments after {@code cname} (CoreDNS's newCNAMERule, with its messages). */
    static CnameRule parse(boolean stop, List<String> args, UpstreamLookup upstream) {
        String kind;
        String from;
        String to;
        if (args.size() == 3) {
            kind = args.get(0).toLowerCase(Locale.ROOT);
            switch (kind) {
                case "exact", "prefix", "suffix", "substring", "regex" -> {
                }
                default -> throw new IllegalArgumentException("unknown cname rewrite type: " + kind);
            }
            from = args.get(1).toLowerCase(Locale.ROOT);
            to = args.get(2).toLowerCase(Locale.ROOT);
        } else if (args.size() == 2) {
            kind = "exact";
            from = args.get(0).toLowerCase(Locale.ROOT);
            to = args.get(1).toLowerCase(Locale.ROOT);
        } else {
            throw new IllegalArgumentException("too few (" + args.size() + ") arguments for a cname rule");
        }
        if (kind.equals("exact")) {
            from = NameRule.normalize(from);
            to = NameRule.normalize(to);
        }
        GoRegex regex = null;
        if (kind.equals("regex")) {
            if (from.length() > GoRegex.MAX_LENGTH) {
                throw new IllegalArgumentException("regex pattern too long in a cname rule: " + from.length() + " > "
                        + GoRegex.MAX_LENGTH);
            }
            try {
                regex = GoRegex.compile(from);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid cname rewrite regex pattern: " + e.getMessage());
            }
        }
        return new CnameRule(stop, kind, from, to, regex, upstream);
    }
}
