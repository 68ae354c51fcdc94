package kdns.host.testplugins;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code testlifecycle NAME [failstart]}: records which of its lifecycle hooks ran ("NAME prepare",
 * "NAME startup", "NAME shutdown", "NAME abandon"), in order; with {@code failstart} its start-up
 * hook fails. Passes every query on.
 */
public final class LifecyclePlugin implements Plugin {

    private static final List<String> EVENTS = new ArrayList<>();

    /** The hooks run so far by instances whose NAME starts with {@code prefix}. */
    public static List<String> events(String prefix) {
        synchronized (EVENTS) {
            return EVENTS.stream().filter(e -> e.startsWith(prefix)).toList();
        }
    }

    private static void record(String event) {
        synchronized (EVENTS) {
            EVENTS.add(event);
        }
    }

    @Override
    public String name() {
        return "testlifecycle";
    }

    @Override
    public String description() {
        return "test: records its lifecycle hooks";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        c.next();
        String name = c.singleArg();
        boolean failStart = c.nextArg();
        if (failStart && !c.val().equals("failstart")) {
            throw c.err("unknown argument '" + c.val() + "'");
        }
        c.onPrepare(() -> record(name + " prepare"));
        c.onAbandon(() -> record(name + " abandon"));
        c.onStartup(() -> {
            record(name + " startup");
            if (failStart) {
                throw new IllegalStateException(name + " refuses to start");
            }
        });
        c.onShutdown(() -> record(name + " shutdown"));
    }
}
