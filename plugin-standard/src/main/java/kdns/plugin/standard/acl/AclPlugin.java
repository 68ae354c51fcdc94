package kdns.plugin.standard.acl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.golang.Subnet;
import org.xbill.DNS.Type;

/**
 * {@code acl [ZONES...] { allow|block|filter|drop [type QTYPE...] [net SOURCE...] }}: who may ask
 * what. Each {@code acl} is one rule over its zones; within it the first policy whose types and
 * sources match decides.
 */
public final class AclPlugin implements Plugin {

    @Override
    public String name() {
        return "acl";
    }

    @Override
    public String description() {
        return "allows, blocks, filters or drops queries by type and client network";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<AclRule> rules = parse(c);
        AclMetrics metrics = new AclMetrics(c.instance().metrics());
        List<String> hosts = c.listenHosts();
        int port = c.port();
        c.addHandler(next -> new AclHandler(next, rules, metrics, hosts, port));
    }

    static List<AclRule> parse(Controller c) throws PluginException {
        List<AclRule> rules = new ArrayList<>();
        while (c.next()) {
            List<String> zones = c.zonesFromArgs();
            List<AclRule.Policy> policies = new ArrayList<>();
            while (c.nextBlock()) {
                AclRule.Action action = switch (c.val().toLowerCase(Locale.ROOT)) {
                    case "allow" -> AclRule.Action.ALLOW;
                    case "block" -> AclRule.Action.BLOCK;
                    case "filter" -> AclRule.Action.FILTER;
                    case "drop" -> AclRule.Action.DROP;
                    default -> throw c.err("unexpected token \"" + c.val() + "\"; expect 'allow', 'block', 'filter' "
                            + "or 'drop'");
                };
                policies.add(policy(c, action, c.remainingArgs()));
            }
            rules.add(new AclRule(zones, List.copyOf(policies)));
        }
        return rules;
    }

    private static AclRule.Policy policy(Controller c, AclRule.Action action, List<String> tokens) throws PluginException {
        Set<Integer> types = new HashSet<>();
        boolean allTypes = false;
        List<Subnet> nets = new ArrayList<>();
        boolean allNets = false;
        boolean hasType = false;
        boolean hasNet = false;
        int i = 0;
        while (i < tokens.size()) {
            String section = tokens.get(i).toLowerCase(Locale.ROOT);
            if (!section.equals("type") && !section.equals("net")) {
                throw c.err("unexpected token \"" + tokens.get(i) + "\"; expect 'type | net'");
            }
            int j = i + 1;
            List<String> values = new ArrayList<>();
            while (j < tokens.size() && !isSection(tokens.get(j))) {
                values.add(tokens.get(j++));
            }
            i = j;
            if (values.isEmpty()) {
                throw c.err("no token specified in \"" + section + "\" section");
            }
            if (section.equals("type")) {
                hasType = true;
                for (String v : values) {
                    if (v.equals("*")) {
                        allTypes = true;
                        break;
                    }
                    int t = v.chars().allMatch(Character::isDigit) ? -1 : Type.value(v);
                    if (t < 0 || !v.equals(v.toUpperCase(Locale.ROOT))) {
                        throw c.err("unexpected token \"" + v + "\"; expect legal QTYPE");
                    }
                    types.add(t);
                }
            } else {
                hasNet = true;
                for (String v : values) {
                    if (v.equals("*")) {
                        allNets = true;
                        break;
                    }
                    String cidr = v.indexOf('/') >= 0 ? v : v.indexOf(':') >= 0 ? v + "/128" : v + "/32";
                    try {
                        nets.add(Subnet.parse(cidr));
                    } catch (IllegalArgumentException e) {
                        throw c.err("illegal CIDR notation \"" + cidr + "\"");
                    }
                }
            }
        }
        return new AclRule.Policy(action, !hasType || allTypes, Set.copyOf(types), !hasNet || allNets,
                List.copyOf(nets));
    }

    private static boolean isSection(String token) {
        String t = token.toLowerCase(Locale.ROOT);
        return t.equals("type") || t.equals("net");
    }
}
