package kdns.plugin.standard.debug;

import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code debug}: a plugin failure while serving a query of this block is logged in full, with its
 * stack trace, every time. CoreDNS's debug also turns off panic recovery, so a failing plugin
 * crashes the server; kdns keeps answering SERVFAIL instead (a plugin never takes the server down).
 */
public final class DebugPlugin implements Plugin {

    @Override
    public String name() {
        return "debug";
    }

    @Override
    public String description() {
        return "logs plugin failures with their stack traces";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        while (c.next()) {
            if (c.nextArg()) {
                throw c.argErr();
            }
        }
        c.debug();
    }
}
