package kdns.plugin.standard.rewrite;

import java.util.List;
import java.util.Locale;
import kdns.api.Request;
import org.xbill.DNS.OPTRecord;

/**
 * One {@code rewrite} rule. {@link #rewrite} may change the question in {@code q} and returns what
 * it does to the reply (possibly nothing), or null when it does not apply.
 */
interface RewriteRule {

    /** Whether a match ends the rule loop ({@code stop}, the default) or lets the next rules run ({@code continue}). */
    boolean stop();

    List<ResponseRule> rewrite(Question q);

    /** The question as the rules have left it so far, and the query's OPT record as edns0 rules left it. */
    final class Question {
        String name;
        int type;
        int dclass;
        /** The query as the client sent it (addresses, transport, metadata; the OPT record before the rules). */
        final Request request;
        private QueryOpt opt;
        private String lower;
        private String lowerOf;

        Question(String name, int type, int dclass, Request request) {
            this.name = name;
            this.type = type;
            this.dclass = dclass;
            this.request = request;
        }

        /** The query's OPT record as the edns0 rules change it (made on first use). */
        QueryOpt opt() {
            if (opt == null) {
                opt = new QueryOpt(request == null ? null : request.opt());
            }
            return opt;
        }

        /** The OPT record the edns0 rules left, or null when they changed nothing. */
        OPTRecord changedOpt() {
            return opt == null || !opt.changed() ? null : opt.record();
        }

        /**
         * The question name as CoreDNS's {@code state.QName()} gives it once the rules before have
         * run: the client's spelling while no rule renamed it, else the rewritten name.
         */
        String spelledName() {
            return request != null && name.equals(request.name()) ? request.qname().toString() : name;
        }

        /** The name in lower case, as CoreDNS's {@code state.Name()} gives it (worked out once per name). */
        String lower() {
            if (lowerOf != name) {
                lower = name.toLowerCase(Locale.ROOT);
                lowerOf = name;
            }
            return lower;
        }
    }
}
