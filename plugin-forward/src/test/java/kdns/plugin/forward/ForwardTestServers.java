package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.testing.TestController;
import kdns.testing.upstream.ScriptedUpstream;

/**
 * What one forward test starts: scripted upstreams and forward handlers set up from Corefile text,
 * all stopped by {@link #close()} (the test's {@code @AfterEach}).
 */
final class ForwardTestServers implements AutoCloseable {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<TestController> controllers = new ArrayList<>();

    /** A scripted upstream on 127.0.0.1, closed with the rest. */
    ScriptedUpstream upstream() throws Exception {
        ScriptedUpstream u = ScriptedUpstream.start();
        closing.add(u);
        return u;
    }

    /** The forward handler of {@code text} (a {@code forward} block's body), started. */
    Handler forward(String text) throws Exception {
        return forward(text, null);
    }

    /** As {@link #forward(String)}, passing queries it does not take to {@code next}. */
    Handler forward(String text, Handler next) throws Exception {
        TestController c = track(TestController.of(text));
        Handler h = Fixtures.handler(c, next);
        c.runStartup();
        return h;
    }

    /** Has {@code c}'s shutdown run with the rest. */
    TestController track(TestController c) {
        controllers.add(c);
        return c;
    }

    /** The {@code i}-th controller tracked. */
    TestController controller(int i) {
        return controllers.get(i);
    }

    @Override
    public void close() throws Exception {
        for (TestController c : controllers) {
            c.runShutdown();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }
}
