package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * The fake API server's storage: objects per resource keyed like etcd keys ({@code ns/name} or
 * {@code name}, sorted), one global resourceVersion counter (etcd's revision), and per resource a
 * bounded history of events (the watch cache's window) from which watches are replayed and past
 * states of a LIST are rebuilt. Every method is synchronized on this store; events are queued to
 * watchers under the same lock, so a watcher sees them in resourceVersion order.
 */
final class ObjectStore {

    /** A stored change. {@code object} is the new state (for DELETED: the last state with the
     *  deletion's resourceVersion); {@code previous} the state before (null for ADDED). */
    record Event(String type, ObjectNode object, ObjectNode previous, long rv) {}

    /** A bookmark a watcher asked for: every event up to {@code rv} was queued before it. */
    record Bookmark(long rv) {}

    /** Queued to a watcher to make it drop its connection without a clean end. */
    static final Object DROP = new Object();

    /** Queued to a watcher to make it end its stream cleanly (as when its timeout expires). */
    static final Object END = new Object();

    /** A watcher's registration: its queue of {@link Event}, {@link Bookmark} and {@link #DROP}. */
    static final class Subscription {
        final ResourceType type;
        final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        final List<Event> initial;

        Subscription(ResourceType type, List<Event> initial) {
            this.type = type;
            this.initial = initial;
        }
    }

    private static final class History {
        final ArrayDeque<Event> events = new ArrayDeque<>();
        /** Every event of this resource with rv greater than this is in {@code events}. */
        long startRv;
    }

    private long rv;
    private int historyLimit = 1000;
    private final Map<ResourceType, TreeMap<String, ObjectNode>> objects = new HashMap<>();
    private final Map<ResourceType, History> histories = new HashMap<>();
    private final Set<Subscription> subscriptions = new HashSet<>();
    private int nextClusterIp = 10;

    ObjectStore() {
        for (ResourceType t : ResourceType.ALL) {
            objects.put(t, new TreeMap<>());
            histories.put(t, new History());
        }
    }

    static String key(ResourceType type, String namespace, String name) {
        return type.namespaced() ? namespace + "/" + name : name;
    }

    static String keyOf(ResourceType type, JsonNode obj) {
        JsonNode m = obj.path("metadata");
        return key(type, m.path("namespace").asText(""), m.path("name").asText(""));
    }

    synchronized long resourceVersion() {
        return rv;
    }

    synchronized ObjectNode get(ResourceType type, String namespace, String name) {
        ObjectNode o = objects.get(type).get(key(type, namespace, name));
        return o == null ? null : o.deepCopy();
    }

    synchronized List<ObjectNode> all(ResourceType type) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : objects.get(type).values()) {
            out.add(o.deepCopy());
        }
        return out;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Creates an object. {@code namespace} (from the URL, may be null) wins when the object has
     * none; a mismatch is a 400 as in the real server.
     */
    synchronized ObjectNode create(ResourceType type, ObjectNode in, String namespace) {
        ObjectNode obj = normalize(type, in, namespace);
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        String name = meta.path("name").asText("");
        if (name.isEmpty() && meta.hasNonNull("generateName")) {
            name = generateName(type, meta.get("generateName").asText(), meta.path("namespace").asText(""));
            meta.put("name", name);
        }
        Strategies.validateName(type, name);
        String ns = meta.path("namespace").asText("");
        requireNamespace(type, ns);
        String key = key(type, ns, name);
        if (objects.get(type).containsKey(key)) {
            throw KubeApiException.alreadyExists(type, name);
        }
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (type.generation()) {
            meta.put("generation", 1);
        } else {
            meta.remove("generation");
        }
        Strategies.prepareForCreate(type, obj, this::allocateClusterIp);
        return commit(type, key, "ADDED", obj, null).deepCopy();
    }

    /**
     * Replaces an object. With {@code statusOnly} only its status changes (the /status
     * subresource); with {@code keepStatus} its status is kept (a PUT on a resource that has a
     * status subresource). A non-empty metadata.resourceVersion must match (409 otherwise). An
     * update that changes nothing returns the stored object without a new resourceVersion.
     */
    synchronized ObjectNode update(ResourceType type, ObjectNode in, String namespace,
            boolean statusOnly, boolean keepStatus) {
        ObjectNode obj = normalize(type, in, namespace);
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        String name = meta.path("name").asText("");
        String ns = meta.path("namespace").asText("");
        String key = key(type, ns, name);
        ObjectNode old = objects.get(type).get(key);
        if (old == null) {
            throw KubeApiException.notFound(type, name);
        }
        String wantRv = meta.path("resourceVersion").asText("");
        ObjectNode oldMeta = (ObjectNode) old.get("metadata");
        if (!wantRv.isEmpty() && !wantRv.equals(oldMeta.get("resourceVersion").asText())) {
            throw KubeApiException.conflict(type, name);
        }
        if (statusOnly) {
            ObjectNode status = obj.has("status") ? (ObjectNode) obj.get("status").deepCopy() : null;
            obj = old.deepCopy();
            obj.remove("status");
            if (status != null) {
                obj.set("status", status);
            }
            meta = (ObjectNode) obj.get("metadata");
        } else {
            if (keepStatus) {
                obj.remove("status");
                if (old.has("status")) {
                    obj.set("status", old.get("status").deepCopy());
                }
            }
            for (String f : List.of("uid", "creationTimestamp")) {
                meta.set(f, oldMeta.get(f));
            }
            if (type.generation()) {
                long gen = oldMeta.path("generation").asLong(1);
                meta.put("generation", Strategies.specChanged(obj, old) ? gen + 1 : gen);
            } else {
                meta.remove("generation");
            }
            Strategies.prepareForUpdate(type, obj, old, this::allocateClusterIp);
        }
        meta.put("resourceVersion", oldMeta.get("resourceVersion").asText());
        if (obj.equals(old)) {
            return old.deepCopy();
        }
        return commit(type, key, "MODIFIED", obj, old).deepCopy();
    }

    /** Deletes an object and returns its last state; deleting a namespace deletes its contents. */
    synchronized ObjectNode delete(ResourceType type, String namespace, String name) {
        String key = key(type, namespace == null ? "" : namespace, name);
        ObjectNode old = objects.get(type).get(key);
        if (old == null) {
            throw KubeApiException.notFound(type, name);
        }
        if (type == ResourceType.NAMESPACES) {
            for (ResourceType t : ResourceType.ALL) {
                if (!t.namespaced()) {
                    continue;
                }
                for (String k : new ArrayList<>(objects.get(t).subMap(name + "/", name + "0").keySet())) {
                    ObjectNode o = objects.get(t).get(k);
                    commit(t, k, "DELETED", o.deepCopy(), o);
                }
            }
        }
        return commit(type, key, "DELETED", old.deepCopy(), old).deepCopy();
    }

    private ObjectNode normalize(ResourceType type, ObjectNode in, String namespace) {
        if (in == null) {
            throw KubeApiException.badRequest("the object is missing");
        }
        ObjectNode obj = in.deepCopy();
        String apiVersion = obj.path("apiVersion").asText("");
        String kind = obj.path("kind").asText("");
        if ((!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion()))
                || (!kind.isEmpty() && !kind.equals(type.kind()))) {
            throw KubeApiException.badRequest("the API version in the data (" + apiVersion
                    + ") or kind (" + kind + ") does not match the expected API version ("
                    + type.apiVersion() + ") and kind (" + type.kind() + ")");
        }
        ObjectNode fixed = obj.objectNode();
        fixed.put("kind", type.kind());
        fixed.put("apiVersion", type.apiVersion());
        fixed.setAll(obj);
        fixed.put("kind", type.kind());
        fixed.put("apiVersion", type.apiVersion());
        JsonNode m = fixed.get("metadata");
        if (m == null || !m.isObject()) {
            fixed.putObject("metadata");
        }
        ObjectNode meta = (ObjectNode) fixed.get("metadata");
        if (type.namespaced()) {
            String own = meta.path("namespace").asText("");
            if (namespace != null && !namespace.isEmpty()) {
                if (!own.isEmpty() && !own.equals(namespace)) {
                    throw KubeApiException.badRequest("the namespace of the provided object does"
                            + " not match the namespace sent on the request");
                }
                own = namespace;
            }
            meta.put("namespace", own.isEmpty() ? "default" : own);
        } else {
            meta.remove("namespace");
        }
        return fixed;
    }

    private void requireNamespace(ResourceType type, String ns) {
        if (type.namespaced() && !objects.get(ResourceType.NAMESPACES).containsKey(ns)) {
            throw new KubeApiException(404, "NotFound", "namespaces \"" + ns + "\" not found",
                    KubeApiException.details(ResourceType.NAMESPACES, ns));
        }
    }

    private String generateName(ResourceType type, String prefix, String ns) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Random r = new Random();
        while (true) {
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < 5; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            if (!objects.get(type).containsKey(key(type, ns, b.toString()))) {
                return b.toString();
            }
        }
    }

    private String allocateClusterIp() {
        Set<String> used = new HashSet<>();
        for (ObjectNode s : objects.get(ResourceType.SERVICES).values()) {
            for (JsonNode ip : s.path("spec").path("clusterIPs")) {
                used.add(ip.asText());
            }
        }
        while (true) {
            int n = nextClusterIp++;
            String ip = "10." + (96 + ((n >> 16) & 0x0f)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
            if ((n & 0xff) != 0 && !used.contains(ip)) {
                return ip;
            }
        }
    }

    private ObjectNode commit(ResourceType type, String key, String eventType, ObjectNode obj,
            ObjectNode previous) {
        long newRv = ++rv;
        ((ObjectNode) obj.get("metadata")).put("resourceVersion", Long.toString(newRv));
        if (eventType.equals("DELETED")) {
            objects.get(type).remove(key);
        } else {
            objects.get(type).put(key, obj);
        }
        Event e = new Event(eventType, obj, previous, newRv);
        History h = histories.get(type);
        h.events.addLast(e);
        trim(h);
        for (Subscription s : subscriptions) {
            if (s.type == type) {
                s.queue.add(e);
            }
        }
        notifyAll();
        return obj;
    }

    private void trim(History h) {
        while (h.events.size() > historyLimit) {
            h.startRv = h.events.removeFirst().rv();
        }
    }

    // ---------------------------------------------------------------- history control

    synchronized void setHistoryLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("history limit must be >= 0, got " + limit);
        }
        historyLimit = limit;
        histories.values().forEach(this::trim);
    }

    /** Forgets every past event: watches and exact LISTs from an older version get 410. */
    synchronized void compact() {
        for (History h : histories.values()) {
            h.events.clear();
            h.startRv = rv;
        }
    }

    synchronized long historyStart(ResourceType type) {
        return histories.get(type).startRv;
    }

    // ---------------------------------------------------------------- reads at a version

    /** The objects as they were at {@code atRv} (exact), sorted by key. */
    synchronized TreeMap<String, ObjectNode> stateAt(ResourceType type, long atRv) {
        if (atRv > rv) {
            throw tooLarge(atRv);
        }
        TreeMap<String, ObjectNode> state = new TreeMap<>(objects.get(type));
        History h = histories.get(type);
        if (atRv < h.startRv) {
            throw KubeApiException.expired("The resourceVersion for the provided list is too old.");
        }
        for (Iterator<Event> it = h.events.descendingIterator(); it.hasNext(); ) {
            Event e = it.next();
            if (e.rv() <= atRv) {
                break;
            }
            String k = keyOf(type, e.object());
            if (e.type().equals("ADDED")) {
                state.remove(k);
            } else {
                state.put(k, e.previous());
            }
        }
        return state;
    }

    /** Waits up to {@code millis} for the store to reach {@code wantRv}; false on timeout. */
    synchronized boolean awaitVersion(long wantRv, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (rv < wantRv) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    KubeApiException tooLarge(long wantRv) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        ObjectNode cause = d.putArray("causes").addObject();
        cause.put("reason", "ResourceVersionTooLarge");
        cause.put("message", "Too large resource version");
        d.put("retryAfterSeconds", 1);
        return new KubeApiException(504, "Timeout", "Too large resource version: " + wantRv
                + ", current: " + rv, d);
    }

    // ---------------------------------------------------------------- watches

    /**
     * Registers a watch. {@code fromRv} &lt; 0 starts with the current state as synthetic ADDED
     * events (resourceVersion unset or "0"); otherwise the history after {@code fromRv} is
     * replayed, or 410 is thrown when the history no longer reaches back that far.
     */
    synchronized Subscription watch(ResourceType type, long fromRv) {
        List<Event> initial = new ArrayList<>();
        if (fromRv < 0) {
            for (ObjectNode o : objects.get(type).values()) {
                long orv = Long.parseLong(o.get("metadata").get("resourceVersion").asText());
                initial.add(new Event("ADDED", o, null, orv));
            }
        } else {
            if (fromRv > rv) {
                throw tooLarge(fromRv);
            }
            History h = histories.get(type);
            if (fromRv < h.startRv) {
                throw KubeApiException.expired(
                        "too old resource version: " + fromRv + " (" + h.startRv + ")");
            }
            for (Event e : h.events) {
                if (e.rv() > fromRv) {
                    initial.add(e);
                }
            }
        }
        Subscription s = new Subscription(type, initial);
        subscriptions.add(s);
        return s;
    }

    synchronized void unsubscribe(Subscription s) {
        subscriptions.remove(s);
    }

    /** Queues a bookmark at the current resourceVersion behind every event already queued. */
    synchronized void bookmark(Subscription s) {
        s.queue.add(new Bookmark(rv));
    }

    synchronized int watchCount() {
        return subscriptions.size();
    }

    synchronized void dropAll() {
        for (Subscription s : subscriptions) {
            s.queue.add(DROP);
        }
    }

    synchronized void endAll() {
        for (Subscription s : subscriptions) {
            s.queue.add(END);
        }
    }

    /**
     * What a watcher whose filter is {@code matches} sees of an event, as the real server's
     * cacher converts it: a change into the filter's set is ADDED, out of it DELETED (with the
     * previous state at the event's resourceVersion), outside it nothing (null).
     */
    static Event viewOf(Event e, Predicate<ObjectNode> matches) {
        switch (e.type()) {
            case "ADDED":
                return matches.test(e.object()) ? e : null;
            case "DELETED":
                return matches.test(e.object()) ? e : null;
            default: {
                boolean now = matches.test(e.object());
                boolean before = e.previous() != null && matches.test(e.previous());
                if (now && before) {
                    return e;
                }
                if (now) {
                    return new Event("ADDED", e.object(), null, e.rv());
                }
                if (before) {
                    ObjectNode gone = e.previous().deepCopy();
                    ((ObjectNode) gone.get("metadata")).put("resourceVersion", Long.toString(e.rv()));
                    return new Event("DELETED", gone, e.previous(), e.rv());
                }
                return null;
            }
        }
    }

    /** For tests of the bookkeeping: the number of events each resource's history holds. */
    synchronized Map<ResourceType, Integer> historySizes() {
        Map<ResourceType, Integer> m = new HashMap<>();
        histories.forEach((t, h) -> m.put(t, h.events.size()));
        return m;
    }
}
