package kdns.plugin.standard.rewrite;

import java.util.List;

/** {@code class FROM TO} or {@code type FROM TO}: only the question changes (and is restored in the reply). */
record QuestionFieldRule(boolean stop, boolean isClass, int from, int to) implements RewriteRule {

    @Override
    public List<ResponseRule> rewrite(Question q) {
        if (isClass && q.dclass == from) {
            q.dclass = to;
            return List.of();
        }
        if (!isClass && q.type == from) {
            q.type = to;
            return List.of();
        }
        return null;
    }
}
