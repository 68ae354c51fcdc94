package kdns.plugin.standard.rewrite;

import java.util.List;
import java.util.Locale;
import kdns.api.lookup.UpstreamLookup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** CoreDNS's {@code newRule}: {@code [continue|stop] FIELD ARGS...} into a rule; errors are CoreDNS's messages. */
final class RuleParser {

    private RuleParser() {
    }

    /** @param upstream the lookups of cname rules through the server */
    static RewriteRule parse(List<String> args, UpstreamLookup upstream) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("no rule type specified for rewrite");
        }
        String first = args.get(0).toLowerCase(Locale.ROOT);
        boolean stop = true;
        int start = 1;
        String type = first;
        if (first.equals("continue") || first.equals("stop")) {
            stop = first.equals("stop");
            if (args.size() < 2) {
                throw new IllegalArgumentException(first + " rule must begin with a rule type");
            }
            type = args.get(1).toLowerCase(Locale.ROOT);
            start = 2;
        }
        List<String> rest = args.subList(start, args.size());
        return switch (type) {
            case "answer" -> throw new IllegalArgumentException("response rewrites must begin with a name rule");
            case "name" -> NameRule.parse(stop, rest);
            case "class", "type" -> questionField(stop, type, rest);
            case "ttl" -> ttl(stop, rest);
            case "rcode" -> rcode(stop, rest);
            case "edns0" -> Edns0Rule.parse(stop, rest);
            case "cname" -> CnameRule.parse(stop, rest, upstream);
            default -> throw new IllegalArgumentException("invalid rule type \"" + args.get(0) + "\"");
        };
    }

    private static RewriteRule questionField(boolean stop, String type, List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException(type + " rules must have exactly two arguments");
        }
        boolean isClass = type.equals("class");
        int from = code(isClass, args.get(0));
        int to = code(isClass, args.get(1));
        return new QuestionFieldRule(stop, isClass, from, to);
    }

    private static int code(boolean isClass, String mnemonic) {
        String upper = mnemonic.toUpperCase(Locale.ROOT);
        int v = upper.chars().allMatch(Character::isDigit) ? -1 : isClass ? DClass.value(upper) : Type.value(upper);
        if (v < 0) {
            throw new IllegalArgumentException("invalid " + (isClass ? "class" : "type") + " \"" + upper + "\"");
        }
        return v;
    }

    private static RewriteRule ttl(boolean stop, List<String> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("too few (" + args.size() + ") arguments for a ttl rule");
        }
        if (args.size() > 3) {
            throw new IllegalArgumentException("many few arguments for a ttl rule");
        }
        String value = args.get(args.size() - 1);
        long[] range = ttlRange(value);
        if (range == null) {
            throw new IllegalArgumentException("invalid TTL '" + value + "' for a ttl rule");
        }
        return new ReplyRule(stop, match(args, "ttl"), ResponseRule.ttl(range[0], range[1]));
    }

    /** {@code N}, {@code MIN-MAX}, {@code -MAX}, {@code MIN-}; null when invalid. */
    static long[] ttlRange(String v) {
        String[] parts = v.split("-", -1);
        try {
            if (parts.length == 1) {
                long n = uint32(parts[0]);
                return new long[] {n, n};
            }
            if (parts.length == 2) {
                if (parts[0].isEmpty() && parts[1].isEmpty()) {
                    return null;
                }
                long min = parts[0].isEmpty() ? 0 : uint32(parts[0]);
                long max = parts[1].isEmpty() ? 2147483647L : uint32(parts[1]);
                return min > max ? null : new long[] {min, max};
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static long uint32(String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(s);
        }
        long v = Long.parseLong(s);
        if (v > 0xFFFFFFFFL) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    private static RewriteRule rcode(boolean stop, List<String> args) {
        if (args.size() < 3) {
            throw new IllegalArgumentException("too few (" + args.size() + ") arguments for a rcode rule");
        }
        if (args.size() > 4) {
            throw new IllegalArgumentException("too many (" + args.size() + ") arguments for a rcode rule");
        }
        String from = args.get(args.size() - 2);
        String to = args.get(args.size() - 1);
        int old = rcodeValue(from);
        if (old < 0) {
            throw new IllegalArgumentException("invalid matching RCODE '" + from + "' for a rcode rule");
        }
        int replacement = rcodeValue(to);
        if (replacement < 0) {
            throw new IllegalArgumentException("invalid replacement RCODE '" + to + "' for a rcode rule");
        }
        return new ReplyRule(stop, match(args.subList(0, args.size() - 1), "rcode"), ResponseRule.rcode(old, replacement));
    }

    /** CoreDNS's isValidRCode: a number up to 23, or a mnemonic. */
    static int rcodeValue(String v) {
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            long n = v.length() > 10 ? Long.MAX_VALUE : Long.parseLong(v);
            return n <= 23 ? (int) n : -1;
        }
        int r = Rcode.value(v.toUpperCase(Locale.ROOT));
        return r < 0 || r > 0xFFF ? -1 : r;
    }

    /** The name match of a ttl/rcode rule: {@code NAME} (exact) or {@code TYPE NAME}, before the value arguments. */
    private static NameMatch match(List<String> args, String rule) {
        try {
            return args.size() == 3 ? NameMatch.parse(args.get(0), args.get(1)) : NameMatch.parse("exact", args.get(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rule + " rule " + e.getMessage());
        }
    }
}
