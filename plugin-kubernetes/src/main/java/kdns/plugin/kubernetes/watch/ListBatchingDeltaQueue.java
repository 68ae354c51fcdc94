package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.cache.DeltaFIFO;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.lang3.tuple.MutablePair;

/**
 * The informer's delta queue, holding a whole list as one entry.
 *
 * <p>The client's {@link DeltaFIFO} turns a list into one queued entry per object (a key string, a
 * linked list and a pair each, plus a set of every key to find deletions), all made at once before
 * the first is handed over: at 250,000 objects that is about 60 MB on top of the list itself, the
 * larger part of a relist's memory peak. Here a list waits as the list it is and is handed over one
 * object at a time, each as a {@code Sync} delta, as the client's queue would; after its last
 * object, every object the informer's store still holds that the list did not bring goes out as a
 * {@code Deleted} delta (objects deleted while the watch was away), found by identity, since the
 * store holds the very objects the list handed over.
 *
 * <p>Events queued after a list wait behind it, so one object's deltas keep their order: what was
 * queued before the list, then the list's state, then what the watch saw after it. Like the
 * client's queue, an object's events are merged into one entry while it waits, and a deletion of an
 * object neither the store nor the queue knows is dropped (not while a list waits: the object may
 * be in it). {@link #hasSynced} turns true once the first list's last delta has been handed over.
 *
 * <p>Every public method of {@link DeltaFIFO} is overridden: the superclass's own state stays
 * empty.
 */
final class ListBatchingDeltaQueue extends DeltaFIFO {

    private final Function<KubernetesObject, String> keyOf = SlimStore::keyOf;
    private final SlimStore known;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** In order: {@link Waiting} entries (one object's deltas) and {@link ListBatch}es. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** The waiting entries queued after the last list, by key (earlier ones are only in {@link #queue}). */
    private Map<String, Waiting> tail = new HashMap<>();
    private int listsQueued;
    private boolean populated;
    /** The first list until its last delta is handed over (then null for good: the queue is synced). */
    private ListBatch firstList;
    private boolean firstListSeen;

    /** @param known the informer's store, which the informer fills with what this queue hands over */
    ListBatchingDeltaQueue(SlimStore known) {
        super(SlimStore::keyOf, known);
        this.known = known;
    }

    @Override
    public void add(KubernetesObject obj) {
        queueDelta(DeltaType.Added, obj);
    }

    @Override
    public void update(KubernetesObject obj) {
        queueDelta(DeltaType.Updated, obj);
    }

    @Override
    public void delete(KubernetesObject obj) {
        String key = keyOf.apply(obj);
        lock.lock();
        try {
            populated = true;
            if (listsQueued == 0 && known.getByKey(key) == null && !tail.containsKey(key)) {
                // deleted already by a list, or never seen: no second report
                return;
            }
            queueLocked(key, DeltaType.Deleted, obj);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void replace(List<KubernetesObject> list, String resourceVersion) {
        lock.lock();
        try {
            populated = true;
            ListBatch batch = new ListBatch(list);
            if (!firstListSeen) {
                firstListSeen = true;
                firstList = batch;
            }
            queue.add(batch);
            listsQueued++;
            tail = new HashMap<>();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a {@code Sync} of every stored object that has nothing waiting, as the client's queue does. */
    @Override
    public void resync() {
        lock.lock();
        try {
            if (listsQueued > 0) {
                // the list waiting hands every object over anyway
                return;
            }
            for (SlimObject obj : known.list()) {
                String key = obj.key();
                if (!tail.containsKey(key)) {
                    queueLocked(key, DeltaType.Sync, obj);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> listKeys() {
        lock.lock();
        try {
            List<String> keys = new ArrayList<>();
            for (Object entry : queue) {
                if (entry instanceof Waiting w) {
                    keys.add(w.key);
                } else {
                    ((ListBatch) entry).remainingKeys(keys);
                }
            }
            return keys;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Deque<MutablePair<DeltaType, KubernetesObject>> get(KubernetesObject obj) {
        return getByKey(keyOf.apply(obj));
    }

    /** The deltas waiting for {@code key}, oldest first (a list's object as a {@code Sync}), or null. */
    @Override
    public Deque<MutablePair<DeltaType, KubernetesObject>> getByKey(String key) {
        lock.lock();
        try {
            Deque<MutablePair<DeltaType, KubernetesObject>> found = new ArrayDeque<>();
            for (Object entry : queue) {
                if (entry instanceof Waiting w) {
                    if (w.key.equals(key)) {
                        found.addAll(w.deltas);
                    }
                } else {
                    KubernetesObject obj = ((ListBatch) entry).remaining(key);
                    if (obj != null) {
                        found.add(new MutablePair<>(DeltaType.Sync, obj));
                    }
                }
            }
            return found.isEmpty() ? null : found;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Deque<MutablePair<DeltaType, KubernetesObject>>> list() {
        lock.lock();
        try {
            List<Deque<MutablePair<DeltaType, KubernetesObject>>> all = new ArrayList<>();
            for (String key : listKeys()) {
                all.add(getByKey(key));
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Deque<MutablePair<DeltaType, KubernetesObject>> pop(
            Consumer<Deque<MutablePair<DeltaType, KubernetesObject>>> process) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                while (queue.isEmpty()) {
                    notEmpty.await();
                }
                Object head = queue.peekFirst();
                if (head instanceof Waiting w) {
                    queue.removeFirst();
                    tail.remove(w.key, w);
                    process.accept(w.deltas);
                    return w.deltas;
                }
                ListBatch batch = (ListBatch) head;
                Deque<MutablePair<DeltaType, KubernetesObject>> deltas = batch.next(known);
                if (deltas != null) {
                    try {
                        process.accept(deltas);
                    } finally {
                        if (batch.finished(known)) {
                            finish(batch);
                        }
                    }
                    return deltas;
                }
                finish(batch);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a delta waits to be handed over (a list's deletions included). */
    boolean hasWaiting() {
        lock.lock();
        try {
            Object head = queue.peekFirst();
            // only the first entry's list may look at the store: a later one's deletions depend on what comes before
            return head != null
                    && (queue.size() > 1 || head instanceof Waiting || !((ListBatch) head).finished(known));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hasSynced() {
        lock.lock();
        try {
            return populated && firstList == null;
        } finally {
            lock.unlock();
        }
    }

    private void finish(ListBatch batch) {
        if (batch == firstList) {
            firstList = null;
        }
        queue.removeFirst();
        listsQueued--;
    }

    private void queueDelta(DeltaType type, KubernetesObject obj) {
        String key = keyOf.apply(obj);
        lock.lock();
        try {
            populated = true;
            queueLocked(key, type, obj);
        } finally {
            lock.unlock();
        }
    }

    private void queueLocked(String key, DeltaType type, KubernetesObject obj) {
        Waiting w = tail.get(key);
        if (w == null) {
            w = new Waiting(key);
            tail.put(key, w);
            queue.add(w);
        }
        w.deltas.add(new MutablePair<>(type, obj));
        notEmpty.signalAll();
    }

    /** One object's deltas, oldest first. */
    private static final class Waiting {
        final String key;
        final Deque<MutablePair<DeltaType, KubernetesObject>> deltas = new ArrayDeque<>(2);

        Waiting(String key) {
            this.key = key;
        }
    }

    /** A list handed over one object at a time, then the deletions it implies. */
    private final class ListBatch {
        private final List<KubernetesObject> objects;
        /** The list's objects, by identity: what the store holds afterwards that is not one of them was deleted. */
        private final Set<KubernetesObject> members;
        private int next;
        /** What the store held once the list's last object was in it (objects, not key strings: no string each). */
        private List<SlimObject> stored;
        private int nextStored;

        ListBatch(List<KubernetesObject> objects) {
            this.objects = new ArrayList<>(objects);
            this.members = Collections.newSetFromMap(new IdentityHashMap<>(objects.size()));
            this.members.addAll(objects);
        }

        /** The next delta to hand over, or null when there is none left. */
        Deque<MutablePair<DeltaType, KubernetesObject>> next(SlimStore store) {
            if (next < objects.size()) {
                KubernetesObject obj = objects.set(next++, null);
                return one(DeltaType.Sync, obj);
            }
            KubernetesObject deleted = nextDeleted(store);
            if (deleted == null) {
                return null;
            }
            nextStored++;
            return one(DeltaType.Deleted, deleted);
        }

        /** Whether nothing is left to hand over (asked after each delta, so the sync is reported at once). */
        boolean finished(SlimStore store) {
            return next >= objects.size() && nextDeleted(store) == null;
        }

        /**
         * The next stored object the list did not bring, without moving past it. The store's objects
         * are taken once the list's last object is in it; each is looked up again as it comes, since
         * the deletions handed over meanwhile have left the store.
         */
        private KubernetesObject nextDeleted(SlimStore store) {
            if (stored == null) {
                stored = store.list();
            }
            while (nextStored < stored.size()) {
                Object current = store.get(stored.get(nextStored));
                if (current != null && !members.contains(current)) {
                    return (KubernetesObject) current;
                }
                nextStored++;
            }
            return null;
        }

        void remainingKeys(List<String> keys) {
            for (int i = next; i < objects.size(); i++) {
                keys.add(keyOf.apply(objects.get(i)));
            }
        }

        KubernetesObject remaining(String key) {
            for (int i = next; i < objects.size(); i++) {
                if (key.equals(keyOf.apply(objects.get(i)))) {
                    return objects.get(i);
                }
            }
            return null;
        }

        private static Deque<MutablePair<DeltaType, KubernetesObject>> one(DeltaType type, KubernetesObject obj) {
            Deque<MutablePair<DeltaType, KubernetesObject>> d = new ArrayDeque<>(1);
            d.add(new MutablePair<>(type, obj));
            return d;
        }
    }
}
