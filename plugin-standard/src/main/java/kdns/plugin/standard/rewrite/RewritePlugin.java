package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.lookup.UpstreamLookup;

/**
 * {@code rewrite [continue|stop] FIELD ARGS...} or {@code rewrite [continue|stop] { FIELD ARGS... }}:
 * rewrites the question before the rest of the chain sees it, and the reply back. Fields: name
 * (exact, prefix, suffix, substring, regex; with answer auto/name/value), class, type, ttl, rcode,
 * edns0 (local, nsid and subnet options of the query) and cname (CNAME targets of the reply, looked
 * up again through the server).
 */
public final class RewritePlugin implements Plugin {

    @Override
    public String name() {
        return "rewrite";
    }

    @Override
    public String description() {
        return "rewrites the question (name, type, class, EDNS0 options) and the reply's names, TTLs, rcode and CNAME "
                + "targets";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<RewriteRule> rules = parse(c);
        c.addHandler(next -> new RewriteHandler(next, rules));
    }

    static List<RewriteRule> parse(Controller c) throws PluginException {
        List<RewriteRule> rules = new ArrayList<>();
        UpstreamLookup upstream = new UpstreamLookup("rewrite", c.instance());
        while (c.next()) {
            List<String> args = new ArrayList<>(c.remainingArgs());
            if (args.size() < 2) {
                // the tokens of a block join into one rule
                while (c.nextBlock()) {
                    args.add(c.val());
                }
            }
            RewriteRule rule;
            try {
                rule = RuleParser.parse(args, upstream);
            } catch (IllegalArgumentException e) {
                throw c.err(e.getMessage());
            }
            if (rule instanceof Edns0Rule edns && edns.echoesCode()) {
                c.echoEdnsOption(edns.code());
            }
            rules.add(rule);
        }
        return rules;
    }
}
