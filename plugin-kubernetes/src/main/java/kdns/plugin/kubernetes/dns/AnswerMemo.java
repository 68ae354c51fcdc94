package kdns.plugin.kubernetes.dns;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * The replies the answerer built, kept until the index changes: a repeated question is answered
 * with a copy instead of being looked up and built again (answers are precomputed per change of
 * the data, not per query). Only names asked in lower case are kept, so a client's 0x20 spelling
 * is always answered with records of its own spelling. Bounded: when full it starts over.
 */
public final class AnswerMemo {

    /** Entries kept at most; about 0.5 KiB each. */
    static final int MAX_ENTRIES = 16_384;

    private record Key(Name name, int type) {
    }

    private record Entry(long version, Message reply) {
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier version;

    /** @param version the index's change counter: an entry built at another version is stale */
    public AnswerMemo(LongSupplier version) {
        this.version = version;
    }

    /** The current version, to be read before the answer is built and handed to {@link #put}. */
    public long version() {
        return version.getAsLong();
    }

    /** A copy of the reply kept for this question at the current version, or null. */
    public Message get(Name qname, int type) {
        if (!lowerCase(qname)) {
            return null;
        }
        Entry e = entries.get(new Key(qname, type));
        if (e == null || e.version() != version.getAsLong()) {
            return null;
        }
        return e.reply().clone();
    }

    /** Keeps a copy of {@code reply}, built at {@code builtAt}, before it is written (writers change it). */
    public void put(Name qname, int type, long builtAt, Message reply) {
        if (!lowerCase(qname) || builtAt != version.getAsLong()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(new Key(qname, type), new Entry(builtAt, reply.clone()));
    }

    private static boolean lowerCase(Name n) {
        return n.canonicalize() == n;
    }
}
