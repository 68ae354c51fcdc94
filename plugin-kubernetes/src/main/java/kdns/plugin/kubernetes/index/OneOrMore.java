package kdns.plugin.kubernetes.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of a reverse index entry, stored as the value itself when there is one (nearly
 * always: one service per cluster IP, one slice per endpoint address, one pod per pod IP) and as an
 * immutable list, in the order added, when there are more. A one-element list would cost 16 bytes
 * an entry: 12 MiB with 500,000 endpoint addresses. The values are never lists themselves.
 */
final class OneOrMore {

    private OneOrMore() {
    }

    /** {@code held} with {@code value} added at the end. */
    static Object plus(Object held, Object value) {
        if (held == null) {
            return value;
        }
        List<Object> next = new ArrayList<>(asList(held));
        next.add(value);
        return List.copyOf(next);
    }

    /** {@code held} without the first value equal to {@code value}; null when none is left. */
    static Object minus(Object held, Object value) {
        if (held == null || held.equals(value)) {
            return null;
        }
        if (!(held instanceof List<?> list)) {
            return held;
        }
        List<Object> next = new ArrayList<>(list);
        next.remove(value);
        return next.isEmpty() ? null : next.size() == 1 ? next.get(0) : List.copyOf(next);
    }

    /** The values held, in order (empty for none). */
    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object held) {
        if (held == null) {
            return List.of();
        }
        return held instanceof List<?> list ? (List<T>) list : List.of((T) held);
    }

    static <K> void add(ConcurrentHashMap<K, Object> map, K key, Object value) {
        map.compute(key, (k, held) -> plus(held, value));
    }

    static <K> void remove(ConcurrentHashMap<K, Object> map, K key, Object value) {
        map.computeIfPresent(key, (k, held) -> minus(held, value));
    }

    private static List<?> asList(Object held) {
        return held instanceof List<?> list ? list : List.of(held);
    }
}
