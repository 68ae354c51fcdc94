package kdns.plugin.standard.template;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.standard.internal.GoRegex;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code template CLASS TYPE [ZONE...] { match REGEX...; answer RR...; additional RR...;
 * authority RR...; rcode CODE; ederror CODE [REASON]; fallthrough [ZONE...]; upstream }}: answers
 * built from Go templates over the question. Every {@code template} of a block joins one handler,
 * tried in the Corefile's order. {@code var} and {@code expr} (CoreDNS's expr-lang expressions) are
 * not supported yet and refused with a message saying so.
 */
public final class TemplatePlugin implements Plugin {

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
            List<String> zones = ZoneNames.originsFromArgsOrServerBlock(c.remainingArgs(), c.serverBlockZones());
            List<GoRegex> regexes = new ArrayList<>();
            List<GoTemplate> answer = new ArrayList<>();
            List<GoTemplate> additional = new ArrayList<>();
            List<GoTemplate> authority = new ArrayList<>();
            int rcode = Rcodes.NOERROR;
            int ederror = -1;
            String ederrorText = "";
            Fallthrough fall = Fallthrough.NONE;
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
                    case "var", "expr" -> throw c.err("'" + c.val() + "' (CoreDNS's expr-lang expressions) is not "
                            + "supported by kdns yet; match the name with 'match' regular expressions instead");
                    default -> throw c.argErr();
                }
            }
            if (regexes.isEmpty()) {
                regexes.add(GoRegex.compile(".*"));
            }
            rules.add(new TemplateRule(zones, qclass, qtype, List.copyOf(regexes), List.copyOf(answer),
                    List.copyOf(additional), List.copyOf(authority), rcode, ederror, ederrorText, fall));
        }
        return rules;
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
