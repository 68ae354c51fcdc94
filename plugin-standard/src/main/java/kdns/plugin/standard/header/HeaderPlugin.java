package kdns.plugin.standard.header;

import java.util.List;
import java.util.Locale;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * {@code header { query|response set|clear aa|ra|rd... }}: the AA, RA and RD flags of the queries
 * the rest of the chain sees, and of every reply of the block. Rules apply in order, so a later rule
 * for the same flag wins. Response rules are applied by the server after it completed a reply (it
 * copies RD from the client's query, so a plugin could not clear it).
 */
public final class HeaderPlugin implements Plugin {

    @Override
    public String name() {
        return "header";
    }

    @Override
    public String description() {
        return "sets or clears the AA, RA and RD flags of queries and replies";
    }

    /** Flags to set and clear, as {@code 1 << flag} masks, built rule by rule. */
    static final class Masks {
        int set;
        int clear;

        void apply(boolean state, int flag) {
            if (state) {
                set |= 1 << flag;
                clear &= ~(1 << flag);
            } else {
                clear |= 1 << flag;
                set &= ~(1 << flag);
            }
        }
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Masks query = new Masks();
        Masks response = new Masks();
        boolean any = false;
        while (c.next()) {
            while (c.nextBlock()) {
                String selector = c.val().toLowerCase(Locale.ROOT);
                if (!selector.equals("query") && !selector.equals("response")) {
                    throw c.err("setting up rule: invalid selector=" + selector + " should be query or response");
                }
                String action = c.nextArg() ? c.val().toLowerCase(Locale.ROOT) : "";
                List<String> flags = c.remainingArgs();
                if (action.isEmpty()) {
                    throw c.err("setting up rule: no flag action provided");
                }
                if (flags.isEmpty()) {
                    throw c.err("setting up rule: invalid length for flags, at least one should be provided");
                }
                boolean state = switch (action) {
                    case "set" -> true;
                    case "clear" -> false;
                    default -> throw c.err("setting up rule: unknown flag action=" + action + ", should be set or clear");
                };
                for (String f : flags) {
                    int flag = switch (f.toLowerCase(Locale.ROOT)) {
                        case "aa" -> Flags.AA;
                        case "ra" -> Flags.RA;
                        case "rd" -> Flags.RD;
                        default -> throw c.err("setting up rule: unknown/unsupported flag=" + f.toLowerCase(Locale.ROOT));
                    };
                    (selector.equals("query") ? query : response).apply(state, flag);
                    any = true;
                }
            }
        }
        if (!any) {
            throw c.argErr();
        }
        if ((response.set | response.clear) != 0) {
            c.replyFlags(response.set, response.clear);
        }
        int set = query.set;
        int clear = query.clear;
        if ((set | clear) != 0) {
            c.addHandler(next -> new QueryFlags(next, set, clear));
        }
    }

    /** Passes the query on with its flags changed (a copy: the client's message stays as it came). */
    static final class QueryFlags implements Handler {
        private final Handler next;
        private final int set;
        private final int clear;

        QueryFlags(Handler next, int set, int clear) {
            this.next = next;
            this.set = set;
            this.clear = clear;
        }

        @Override
        public String name() {
            return "header";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            Message m = request.message().clone();
            for (int flag = 0; flag < 16; flag++) {
                if ((clear & (1 << flag)) != 0) {
                    m.getHeader().unsetFlag(flag);
                } else if ((set & (1 << flag)) != 0) {
                    m.getHeader().setFlag(flag);
                }
            }
            Request changed = request.withMessage(m);
            return Handlers.nextOrFailure(name(), next, changed, writer);
        }
    }
}
