package kdns.plugin.standard.ready;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kdns.api.Handler;
import kdns.api.Readiness;

/**
 * The handlers of an instance that implement {@link Readiness}. With {@code until-ready}, a
 * handler that reported ready once is not asked again; with {@code continuously} it is asked on
 * every request.
 */
final class ReadinessList {

    private final String[] names;
    private final Readiness[] checks;
    private final boolean continuously;

    private ReadinessList(String[] names, Readiness[] checks, boolean continuously) {
        this.names = names;
        this.checks = checks;
        this.continuously = continuously;
    }

    static ReadinessList of(List<Handler> handlers, boolean continuously) {
        List<String> names = new ArrayList<>();
        List<Readiness> checks = new ArrayList<>();
        for (Handler h : handlers) {
            if (h instanceof Readiness r) {
                names.add(h.name());
                checks.add(r);
            }
        }
        return new ReadinessList(names.toArray(new String[0]), checks.toArray(new Readiness[0]), continuously);
    }

    /** The sorted, comma-separated names of the plugins not ready yet, or null when all are. */
    synchronized String notReady() {
        TreeSet<String> waiting = null;
        for (int i = 0; i < checks.length; i++) {
            Readiness r = checks[i];
            if (r == null) {
                continue;
            }
            boolean ready;
            try {
                ready = r.ready();
            } catch (RuntimeException e) {
                ready = false;
            }
            if (ready) {
                if (!continuously) {
                    checks[i] = null;
                }
                continue;
            }
            if (waiting == null) {
                waiting = new TreeSet<>();
            }
            waiting.add(names[i]);
        }
        return waiting == null ? null : String.join(",", waiting);
    }
}
