package kdns.testing.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** What a test server received, in order; tests read it while the server runs. */
final class Received<T> {

    private final List<T> items = Collections.synchronizedList(new ArrayList<>());
    private final Function<T, String> name;

    /** @param name the query name of an item as sent (case kept), or null when it has none */
    Received(Function<T, String> name) {
        this.name = name;
    }

    void add(T item) {
        items.add(item);
    }

    /** Everything received so far. */
    List<T> all() {
        synchronized (items) {
            return List.copyOf(items);
        }
    }

    /** What was received for {@code qname} (case-insensitive, fully qualified). */
    List<T> named(String qname) {
        return all().stream().filter(i -> qname.equalsIgnoreCase(name.apply(i))).toList();
    }

    void clear() {
        items.clear();
    }
}
