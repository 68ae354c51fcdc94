package kdns.plugin.standard.whoami;

import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/** {@code whoami}: takes no arguments and answers every query that reaches it. */
public final class WhoamiPlugin implements Plugin {

    public WhoamiPlugin() {
    }

    @Override
    public String name() {
        return "whoami";
    }

    @Override
    public String description() {
        return "returns the client's IP address, port and transport";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        while (c.next()) {
            if (c.nextArg()) {
                throw c.argErr();
            }
        }
        c.addHandler(next -> WhoamiHandler.INSTANCE);
    }
}
