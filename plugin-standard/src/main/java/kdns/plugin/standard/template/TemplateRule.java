package kdns.plugin.standard.template;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.Log;
import kdns.api.Request;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.standard.expr.ExprFunction;
import kdns.plugin.standard.expr.Expression;
import kdns.plugin.standard.expr.ExpressionException;
import kdns.plugin.standard.expr.RequestBindings;
import kdns.plugin.standard.golang.GoRegex;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * One {@code template CLASS TYPE [ZONES...] { ... }}: where it applies, how names are matched and
 * what it answers.
 *
 * @param ederror the Extended DNS Error code, or -1 for none
 * @param vars    the {@code var} options, in order
 * @param exprs   the {@code expr} conditions
 */
record TemplateRule(List<String> zones, int qclass, int qtype, List<GoRegex> regexes, List<GoTemplate> answer,
                    List<GoTemplate> additional, List<GoTemplate> authority, int rcode, int ederror,
                    String ederrorText, Fallthrough fallthrough, List<Variable> vars, List<Expression> exprs) {

    /** {@code var NAME EXPRESSION}. */
    record Variable(String name, Expression expression) {
    }

    /** The names every expression of a template can use besides its variables: the query functions and group(). */
    static final Set<String> NAMES;

    static {
        Set<String> names = new HashSet<>(RequestBindings.NAMES);
        names.add("group");
        NAMES = Set.copyOf(names);
    }

    private static final Log LOG = Log.forPlugin("template");

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

    /**
     * CoreDNS's {@code template.match}: zone, class and type first (a mismatch always falls through),
     * then the regexes; for the first that matches, the variables in order and the conditions. A
     * condition that is not true is treated as no match; a variable or condition that fails makes the
     * query fail whatever {@code fallthrough} says (CoreDNS answers SERVFAIL and logs nothing; kdns
     * says why in a debug line).
     */
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
            Map<String, Object> values = Map.of();
            if (!vars.isEmpty() || !exprs.isEmpty()) {
                Map<String, Object> env = RequestBindings.of(request);
                env.put("group", group(group));
                values = new LinkedHashMap<>();
                try {
                    for (Variable v : vars) {
                        Object value = v.expression().evaluate(env);
                        env.put(v.name(), value);
                        values.put(v.name(), value);
                    }
                    for (Expression e : exprs) {
                        if (!Boolean.TRUE.equals(e.evaluate(env))) {
                            return fallthrough.through(name) ? SKIP : FAIL;
                        }
                    }
                } catch (ExpressionException e) {
                    LOG.debug("SERVFAIL for " + name + " " + Type.string(qt) + ": " + e.getMessage());
                    return FAIL;
                }
                values = Collections.unmodifiableMap(values);
            }
            String cls = DClass.string(qc != DClass.ANY ? qc : qclass);
            String typ = Type.string(qt != Type.ANY ? qt : qtype);
            return new Matched(new TemplateData(zone, name, regex.source(), List.copyOf(found), Map.copyOf(group), cls,
                    typ, request.message(), request.ip(), values, request::metadata));
        }
        return fallthrough.through(name) ? SKIP : FAIL;
    }

    /**
     * CoreDNS's {@code group(name)} and {@code group(index)}: a group of the regex that matched, by
     * name or number ({@code group(0)} the whole match), or "" when there is no such group.
     */
    static ExprFunction group(Map<String, String> groups) {
        return args -> {
            if (args.size() != 1) {
                throw new ExpressionException("group() takes one argument, a group's name or number, got "
                        + args.size());
            }
            Object a = args.get(0);
            String key = a instanceof Long n ? n.toString() : a instanceof String s ? s : null;
            String v = key == null ? null : groups.get(key);
            return v == null ? "" : v;
        };
    }
}
