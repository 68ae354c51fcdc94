package kdns.plugin.standard.rewrite;

import java.util.List;

/** {@code ttl [match] NAME SECONDS|MIN-MAX} and {@code rcode [match] NAME FROM TO}: the reply changes when the name matches. */
record ReplyRule(boolean stop, NameMatch match, ResponseRule response) implements RewriteRule {

    @Override
    public List<ResponseRule> rewrite(Question q) {
        return match.matches(q.lower()) ? List.of(response) : null;
    }
}
