package kdns.host.testplugins;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.Request;
import kdns.api.ResponseWriter;

/**
 * {@code testdefer}: answers later from another thread, after a delay taken from the first label
 * ({@code d200.example.} waits 200 ms), like a plugin waiting on an upstream.
 */
public final class DeferPlugin implements Plugin {

    @Override
    public String name() {
        return "testdefer";
    }

    @Override
    public String description() {
        return "test: answers from another thread after a delay";
    }

    @Override
    public void setup(Controller c) {
        while (c.next()) {
            // no arguments
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testdefer");
            t.setDaemon(true);
            return t;
        });
        c.onShutdown(timer::shutdownNow);
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "testdefer";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                String first = request.name().substring(0, request.name().indexOf('.'));
                long delay = first.startsWith("d") ? Long.parseLong(first.substring(1)) : 0;
                timer.schedule(() -> writer.write(AnswerPlugin.reply(request, 1)), delay, TimeUnit.MILLISECONDS);
                return Handler.DEFERRED;
            }
        });
    }
}
