package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kdns.plugin.standard.golang.GoRegex;

/**
 * {@code name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|name FROM TO|value FROM TO ...]}:
 * rewrites the question name (CoreDNS's name.go). With {@code auto} (always for {@code exact}) the
 * reply's owner names and targets are mapped back to the client's name; {@code answer name} and
 * {@code answer value} rewrite them with regular expressions.
 *
 * @param auto       map the rewritten name back in the reply (the original name is known per query)
 * @param fixed      response rules that do not depend on the query
 */
record NameRule(boolean stop, String kind, String from, GoRegex regex, String to, boolean auto,
                List<ResponseRule> fixed) implements RewriteRule {

    @Override
    public List<ResponseRule> rewrite(Question q) {
        String lower = q.lower();
        String rewritten = switch (kind) {
            case "exact" -> lower.equals(from) ? to : null;
            case "prefix" -> lower.startsWith(from) ? to + lower.substring(from.length()) : null;
            case "suffix" -> lower.endsWith(from) ? lower.substring(0, lower.length() - from.length()) + to : null;
            case "substring" -> lower.contains(from) ? lower.replace(from, to) : null;
            default -> {
                List<String> groups = regex.find(lower);
                yield groups == null ? null : substitute(to, groups);
            }
        };
        if (rewritten == null) {
            return null;
        }
        q.name = rewritten;
        if (!auto) {
            return fixed;
        }
        StringRewriter back = StringRewriter.remap(rewritten, lower);
        List<ResponseRule> rules = new ArrayList<>(2 + fixed.size());
        rules.add(ResponseRule.owner(back));
        rules.add(ResponseRule.value(back));
        rules.addAll(fixed);
        return rules;
    }

    /** {@code {N}} in {@code template} replaced by group N. */
    static String substitute(String template, List<String> groups) {
        String s = template;
        for (int i = 0; i < groups.size(); i++) {
            s = s.replace("{" + i + "}", groups.get(i));
        }
        return s;
    }

    /** CoreDNS's {@code plugin.Name(s).Normalize()}: lower case, fully qualified. */
    static String normalize(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.endsWith(".") ? l : l + ".";
    }

    /** How many distinct {@code {N}} (N from 0 to 100) {@code s} uses, as CoreDNS counts them. */
    static int groupsUsed(String s) {
        int n = 0;
        for (int i = 0; i <= 100; i++) {
            if (s.contains("{" + i + "}")) {
                n++;
            }
        }
        return n;
    }

    /** Parses the arguments after {@code name}. */
    static NameRule parse(boolean stop, List<String> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("too few arguments for a name rule");
        }
        String kind;
        String from;
        String to;
        if (args.size() == 2) {
            kind = "exact";
            from = normalize(args.get(0));
            to = normalize(args.get(1));
        } else {
            kind = args.get(0).toLowerCase(Locale.ROOT);
            from = kind.equals("regex") ? args.get(1) : normalize(args.get(1));
            to = kind.equals("regex") ? args.get(2) : normalize(args.get(2));
        }
        boolean auto = false;
        List<ResponseRule> answers = new ArrayList<>();
        if (args.size() > 3) {
            auto = parseAnswers(kind, args.subList(3, args.size()), answers);
        }
        GoRegex regex = null;
        switch (kind) {
            case "exact" -> {
                auto = true;
                checkedRegex(from, to);
            }
            case "prefix", "substring" -> {
                // auto maps back like exact
            }
            case "suffix" -> {
                if (auto) {
                    StringRewriter back = StringRewriter.suffix(to, from);
                    List<ResponseRule> rules = new ArrayList<>();
                    rules.add(ResponseRule.owner(back));
                    rules.add(ResponseRule.value(back));
                    rules.addAll(answers);
                    answers = rules;
                    auto = false;
                }
            }
            case "regex" -> {
                regex = checkedRegex(from, to);
                to = normalize(args.get(2));
            }
            default -> throw new IllegalArgumentException("name rule supports only exact, prefix, suffix, substring, "
                    + "and regex name matching, received: " + kind);
        }
        return new NameRule(stop, kind, from, regex, to, auto, List.copyOf(answers));
    }

    /** Returns true for {@code answer auto}; adds the explicit answer rules to {@code rules}. */
    private static boolean parseAnswers(String kind, List<String> args, List<ResponseRule> rules) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("invalid arguments for " + kind + " rule");
        }
        boolean auto = false;
        int nameRules = 0;
        String last = "";
        int i = 0;
        while (i < args.size()) {
            if (last.isEmpty() && !args.get(i).equals("answer")) {
                throw new IllegalArgumentException("exceeded the number of arguments for a non-answer rule argument for "
                        + kind + " rule");
            }
            if (args.get(i).equals("answer")) {
                i++;
            }
            if (i >= args.size()) {
                throw new IllegalArgumentException("type missing for answer rule for " + kind + " rule");
            }
            last = args.get(i++);
            switch (last) {
                case "auto" -> auto = true;
                case "name", "value" -> {
                    if (args.size() - i < 2) {
                        throw new IllegalArgumentException(last + " answer rule for " + kind
                                + " rule: 2 arguments required");
                    }
                    GoRegex pattern;
                    try {
                        pattern = checkedRegex(args.get(i), args.get(i + 1));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(last + " answer rule for " + kind + " rule: " + e.getMessage());
                    }
                    StringRewriter r = StringRewriter.regex(pattern, normalize(args.get(i + 1)));
                    rules.add(last.equals("name") ? ResponseRule.owner(r) : ResponseRule.value(r));
                    if (last.equals("name")) {
                        nameRules++;
                    }
                    i += 2;
                }
                default -> throw new IllegalArgumentException("invalid type \"" + last + "\" for answer rule for "
                        + kind + " rule");
            }
        }
        if (auto && nameRules > 0) {
            throw new IllegalArgumentException("auto name answer rule cannot be combined with explicit name anwer rules");
        }
        return auto;
    }

    /** CoreDNS's isValidRegexPattern: compiles, and {@code to} uses no more groups than the pattern has. */
    static GoRegex checkedRegex(String from, String to) {
        GoRegex r;
        try {
            r = GoRegex.compile(from);
        } catch (IllegalArgumentException e) {
            if (from.length() > GoRegex.MAX_LENGTH) {
                throw e;
            }
            throw new IllegalArgumentException("invalid regex matching pattern: " + from);
        }
        if (groupsUsed(to) > r.names().size() - 1) {
            throw new IllegalArgumentException("the rewrite regex pattern (" + to + ") uses more subexpressions than its "
                    + "corresponding matching regex pattern (" + from + ")");
        }
        return r;
    }
}
