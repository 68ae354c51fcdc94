package kdns.plugin.standard.view;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.expr.Expression;
import kdns.plugin.standard.expr.ExpressionException;
import kdns.plugin.standard.expr.RequestBindings;

/**
 * {@code view NAME { expr EXPRESSION ... }}: the block serves only the queries for which every
 * expression is true; blocks sharing a zone and port are tried in Corefile order (split DNS). The
 * server does the routing ({@link Controller#view}), so the plugin adds no handler.
 */
public final class ViewPlugin implements Plugin {

    @Override
    public String name() {
        return "view";
    }

    @Override
    public String description() {
        return "routes a query to the server block only when the view's expressions are true (split DNS)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        String name = null;
        List<Expression> expressions = new ArrayList<>();
        while (c.next()) {
            if (name != null) {
                throw c.err("this plugin can only be used once per Server Block");
            }
            List<String> args = c.remainingArgs();
            if (args.size() != 1) {
                throw c.argErr();
            }
            name = args.get(0);
            while (c.nextBlock()) {
                if (!c.val().equals("expr")) {
                    throw c.err("unknown property '" + c.val() + "'");
                }
                List<String> words = c.remainingArgs();
                if (words.isEmpty()) {
                    throw c.argErr();
                }
                String source = String.join(" ", words);
                try {
                    expressions.add(Expression.parse(source, RequestBindings.NAMES));
                } catch (ExpressionException e) {
                    throw c.err("expr " + source + ": " + e.getMessage());
                }
            }
        }
        c.view(name, new ViewFilter(List.copyOf(expressions)));
    }
}
