package kdns.plugin.standard.template;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.Fallthrough;
import kdns.plugin.standard.expr.Expression;
import kdns.plugin.standard.expr.ExpressionException;
import kdns.plugin.standard.golang.GoRegex;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code template CLASS TYPE [ZONE...] { match REGEX...; var NAME EXPRESSION; expr EXPRESSION;
 * answer RR...; additional RR...; authority RR...; rcode CODE; ederror CODE [REASON];
 * fallthrough [ZONE...]; upstream }}: answers built from Go templates over the question. Every
 * {@code template} of a block joins one handler, tried in the Corefile's order. {@code var} and
 * {@code expr} take expr-lang expressions ({@link kdns.plugin.standard.expr}), parsed here.
 */
public final class TemplatePlugin implements Plugin {

    /** CoreDNS's {@code varNameRegexp}. */
    private static final Pattern VAR_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    @Override
    public String name() {
        return "template";
    }

    @Override
    public String description() {
        return "answers from Go templates over names matched by regular expressions";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<TemplateRule> rules = parse(c);
        TemplateMetrics metrics = new TemplateMetrics(c.instance().metrics());
        UpstreamLookup upstream = new UpstreamLookup("template", c.instance());
        List<String> hosts = c.listenHosts();
        int port = c.port();
        c.addHandler(next -> new TemplateHandler(next, rules, metrics, upstream, hosts, port));
    }

    static List<TemplateRule> parse(Controller c) throws PluginException {
        List<TemplateRule> rules = new ArrayList<>();
        while (c.next()) {
            if (!c.nextArg()) {
                throw c.argErr();
            }
            int qclass = DClass.value(c.val());
            if (qclass < 0) {
                throw c.err("invalid query class " + c.val());
            }
            if (!c.nextArg()) {
                throw c.argErr();
            }
            int qtype = Type.value(c.val());
            if (qtype < 0 || c.val().chars().allMatch(Character::isDigit)) {
                throw c.err("invalid RR class " + c.val());
            }
            List<String> zones = c.zonesFromArgs();
            List<GoRegex> regexes = new ArrayList<>();
            List<GoTemplate> answer = new ArrayList<>();
            List<GoTemplate> additional = new ArrayList<>();
            List<GoTemplate> authority = new ArrayList<>();
            int rcode = Rcodes.NOERROR;
            int ederror = -1;
            String ederrorText = "";
            Fallthrough fall = Fallthrough.NONE;
            List<TemplateRule.Variable> vars = new ArrayList<>();
            List<Expression> exprs = new ArrayList<>();
            Set<String> names = new HashSet<>(TemplateRule.NAMES);
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "match" -> {
                        List<String> args = nonEmpty(c);
                        for (String regex : args) {
                            try {
                                regexes.add(GoRegex.compile(regex));
                            } catch (IllegalArgumentException e) {
                                throw c.err("could not parse regex: " + regex + ", " + e.getMessage());
                            }
                        }
                    }
                    case "answer" -> templates(c, answer);
                    case "additional" -> templates(c, additional);
                    case "authority" -> templates(c, authority);
                    case "rcode" -> {
                        if (!c.nextArg()) {
                            throw c.argErr();
                        }
                        rcode = Rcode.value(c.val());
                        if (rcode < 0 || rcode > 0xF || c.val().chars().allMatch(Character::isDigit)) {
                            throw c.err("unknown rcode " + c.val());
                        }
                    }
                    case "ederror" -> {
                        List<String> args = c.remainingArgs();
                        if (args.size() != 1 && args.size() != 2) {
                            throw c.argErr();
                        }
                        try {
                            ederror = Integer.parseInt(args.get(0));
                        } catch (NumberFormatException e) {
                            ederror = -1;
                        }
                        if (ederror < 0 || ederror > 0xFFFF) {
                            throw c.err("error parsing extended DNS error code " + args.get(0)
                                    + ": a number from 0 to 65535");
                        }
                        ederrorText = args.size() == 2 ? args.get(1) : "";
                    }
                    case "fallthrough" -> fall = Fallthrough.fromArgs(c.remainingArgs());
                    case "upstream" -> c.remainingArgs(); // accepted and ignored, as CoreDNS does
                    case "var" -> {
                        List<String> args = c.remainingArgs();
                        if (args.size() < 2) {
                            throw c.argErr();
                        }
                        String var = args.get(0);
                        checkVarName(c, var, names);
                        Expression e = expression(c, String.join(" ", args.subList(1, args.size())), names, var);
                        vars.add(new TemplateRule.Variable(var, e));
                        names.add(var);
                    }
                    case "expr" -> exprs.add(expression(c, String.join(" ", nonEmpty(c)), names, null));
                    default -> throw c.argErr();
                }
            }
            if (regexes.isEmpty()) {
                regexes.add(GoRegex.compile(".*"));
            }
            rules.add(new TemplateRule(zones, qclass, qtype, List.copyOf(regexes), List.copyOf(answer),
                    List.copyOf(additional), List.copyOf(authority), rcode, ederror, ederrorText, fall,
                    List.copyOf(vars), List.copyOf(exprs)));
        }
        return rules;
    }

    /**
     * CoreDNS's rules for a {@code var} name: an identifier that is not a query function,
     * {@code group}, an earlier variable, a keyword or literal, or an expr-lang builtin.
     */
    private static void checkVarName(Controller c, String var, Set<String> names) throws PluginException {
        if (!VAR_NAME.matcher(var).matches()) {
            throw c.err("invalid variable name \"" + var + "\": a letter or _, then letters, digits or _");
        }
        String why = names.contains(var)
                ? TemplateRule.NAMES.contains(var) ? "a function of every expression" : "an earlier variable"
                : Expression.reserved(var) ? "a keyword or builtin function of the expression language" : null;
        if (why != null) {
            throw c.err("variable name \"" + var + "\" is reserved: " + why);
        }
    }

    /** An expression over {@code names}; {@code var} names the variable it is for, if any. */
    private static Expression expression(Controller c, String text, Set<String> names, String var)
            throws PluginException {
        try {
            return Expression.parse(text, names);
        } catch (ExpressionException e) {
            throw c.err("could not compile expression: " + (var == null ? "" : var + ", ") + e.getMessage());
        }
    }

    private static List<String> nonEmpty(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            throw c.argErr();
        }
        return args;
    }

    private static void templates(Controller c, List<GoTemplate> to) throws PluginException {
        String section = c.val();
        for (String text : nonEmpty(c)) {
            try {
                to.add(GoTemplate.parse(text));
            } catch (GoTemplate.TemplateException e) {
                throw c.err("could not compile template: " + section + ", template: " + section + ":1: "
                        + e.getMessage());
            }
        }
    }
}
