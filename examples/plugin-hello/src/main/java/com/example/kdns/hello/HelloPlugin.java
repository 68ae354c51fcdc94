package com.example.kdns.hello;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code hello [GREETING]}: answers TXT queries with {@code "<GREETING>, <name>"} (default
 * {@code Hello}); other queries go to the next plugin.
 */
public final class HelloPlugin implements Plugin {

    @Override
    public String name() {
        return "hello";
    }

    @Override
    public String description() {
        return "answers TXT queries with a greeting (example third-party plugin)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        String greeting = c.once("Hello", HelloPlugin::greeting);
        c.addHandler(next -> new HelloHandler(greeting, next));
    }

    /** {@code hello [GREETING]}, the cursor on the directive's name. */
    private static String greeting(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() > 1) {
            throw c.argErr();
        }
        if (c.nextBlock()) {
            throw c.err("unknown property '" + c.val() + "'");
        }
        return args.isEmpty() ? "Hello" : args.get(0);
    }
}
