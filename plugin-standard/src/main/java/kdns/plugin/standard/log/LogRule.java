package kdns.plugin.standard.log;

import java.util.EnumSet;
import java.util.Set;
import kdns.api.ResponseType;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Message;

/**
 * One name scope of a {@code log} directive: queries for {@code scope} and below are logged with
 * {@code format} when the reply's class is selected, or when it took longer than
 * {@code minDurationNanos} (0: never on duration alone).
 */
record LogRule(String scope, LogFormat format, Set<ResponseClass> classes, long minDurationNanos) {

    LogRule {
        classes = classes.isEmpty() ? EnumSet.of(ResponseClass.ALL) : EnumSet.copyOf(classes);
    }

    /** True when a query for {@code name} (lower case, fully qualified) falls under this rule. */
    boolean matches(String name) {
        return ZoneNames.isSubdomain(scope, name);
    }

    /** True when every reply is logged whatever its class: the reply's records need not be looked at. */
    boolean selectsEveryReply() {
        return classes.contains(ResponseClass.ALL);
    }

    /** True when this reply (null: none written) taking {@code nanos} is to be logged. */
    boolean selects(Message reply, long nanos) {
        if (selectsEveryReply()) {
            return true;
        }
        ResponseType type = ResponseType.typify(reply, System.currentTimeMillis() / 1000);
        if (classes.contains(ResponseClass.of(type))) {
            return true;
        }
        return minDurationNanos > 0 && nanos > minDurationNanos;
    }

    static String normalizeScope(String name) {
        return ZoneNames.normalize(name);
    }
}
