package kdns.plugin.standard.acl;

import java.util.List;
import java.util.Set;
import kdns.plugin.standard.golang.Subnet;

/** One {@code acl} directive: its zones and its policies, in order. */
record AclRule(List<String> zones, List<Policy> policies) {

    enum Action { NONE, ALLOW, BLOCK, FILTER, DROP }

    /** {@code ACTION [type ...] [net ...]}; a missing section (or {@code *}) matches everything. */
    record Policy(Action action, boolean anyType, Set<Integer> types, boolean anyNet, List<Subnet> nets) {

        boolean matches(int qtype, byte[] client) {
            if (!anyType && !types.contains(qtype)) {
                return false;
            }
            if (anyNet) {
                return true;
            }
            for (Subnet n : nets) {
                if (n.contains(client)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The first matching policy's action, or NONE. */
    Action decide(int qtype, byte[] client) {
        for (Policy p : policies) {
            if (p.matches(qtype, client)) {
                return p.action();
            }
        }
        return Action.NONE;
    }
}
