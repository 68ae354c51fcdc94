package kdns.plugin.etcd;

import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Instance;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import kdns.api.WireReplies;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.etcd.lookup.Resolver;
import kdns.plugin.etcd.store.EtcdStore;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers from the in-memory index of the etcd path. Names outside the plugin's zones go to the
 * next plugin. Out-of-zone CNAME/SRV/MX targets are looked up through the whole server
 * ({@link Instance#serve}, CoreDNS's upstream lookup: the block with the longest zone for the
 * target, then its whole chain), with a question rewritten by {@link Request#withQuestion}: when
 * that chain answers later (forward), this handler answers later too ({@link Handler#DEFERRED}).
 * Re-entries nested on one thread are bounded by {@link #MAX_REENTRIES} as CoreDNS bounds them.
 */
final class EtcdHandler implements Handler, Readiness {

    private static final Log LOG = Log.forPlugin("etcd");
    /** Upstream rounds before giving up on lookups that the data keeps asking for anew. */
    private static final int MAX_ROUNDS = 3;
    /**
     * Lookups through the server nested inside one another on a thread before the innermost one
     * gets SERVFAIL (CoreDNS's {@code maxreentries}): etcd data that points two zones at each
     * other would otherwise re-enter the server without end.
     */
    static final int MAX_REENTRIES = 10;
    /** How deeply this thread is inside lookups through the server. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Handler next;
    private final Instance instance;
    private final List<String> zones;
    private final Fallthrough fall;
    private final EtcdStore store;
    private final Resolver resolver;

    /** @param instance the server, re-entered for out-of-zone targets */
    EtcdHandler(Handler next, Instance instance, List<String> zones, Fallthrough fall, EtcdStore store,
                Resolver resolver) {
        this.next = next;
        this.instance = instance;
        this.zones = zones;
        this.fall = fall;
        this.store = store;
        this.resolver = resolver;
    }

    @Override
    public String name() {
        return "etcd";
    }

    /** Data errors already logged: each is logged once (every query that meets it gets SERVFAIL). */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private void logOnce(String error) {
        if (logged.size() > 1000) {
            logged.clear();
        }
        if (logged.add(error)) {
            LOG.error("cannot serve " + error + " (queries meeting it get SERVFAIL until the value is fixed)");
        }
    }

    @Override
    public boolean ready() {
        return store.ready();
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String zone = ZoneNames.longestMatch(zones, request.name());
        if (zone == null) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        if (writer.takesWire() && wireReply(request, writer, zone)) {
            return Rcodes.NOERROR;
        }
        return new Query(request, writer, zone).round(1, true);
    }

    /**
     * Answers the most common queries in wire form ({@link kdns.api.WireReplies}): an A or AAAA
     * query whose answer is the name's own addresses, and its NXDOMAIN or NODATA; the bytes are
     * the ones the server renders from the message {@link Query#reply} builds, without the
     * question's name and record, the answer records, the message and the SOA record a reply
     * costs otherwise. False when the query needs more (CNAMEs, the apex, fallthrough, data
     * errors, a store not loaded yet) or the writer declines the bytes: the message path then
     * answers it from the start.
     */
    private boolean wireReply(Request request, ResponseWriter writer, String zone) {
        int qtype = request.qtype();
        if ((qtype != Type.A && qtype != Type.AAAA) || request.mixedCase()) {
            return false;
        }
        WireMessage w;
        try {
            Resolver.Addresses found = new Resolver.Addresses();
            int n = resolver.addresses(store.index().view(), zone, request.name(), qtype, found);
            if (n < 0) {
                return false;
            }
            w = n == 0 ? resolver.negativeWire(request, zone, Rcodes.NOERROR)
                    : WireReplies.address(request, qtype, found.ttls(), found.addresses(), n);
        } catch (Resolver.NameError e) {
            if (fall.through(request.name()) || !store.ready()) {
                return false;
            }
            w = resolver.negativeWire(request, zone, Rcodes.NXDOMAIN);
        } catch (Resolver.DataError e) {
            return false;
        }
        return w != null && writer.writeWire(w);
    }

    /** An upstream lookup's question. */
    private record Key(Name name, int type) {
    }

    /**
     * One query, possibly completed on another thread when upstream lookups answer later. Most
     * queries need no upstream lookup, so the set of those needed and the map of their answers are
     * made only when a round first asks for one (fewer objects per query, fewer young collections).
     */
    private final class Query {
        final Request request;
        final ResponseWriter writer;
        final String zone;
        /**
         * The upstream answers; null until the first lookup. Written before any lookup is sent and
         * read by later rounds, which run after the lookups' writes (on this thread or the last
         * writer's), so volatile is enough to see it.
         */
        volatile Map<Key, Message> results;

        Query(Request request, ResponseWriter writer, String zone) {
            this.request = request;
            this.writer = writer;
            this.zone = zone;
        }

        /**
         * Resolves with the upstream answers known so far; when more are needed, asks for them and
         * resolves again once they are in. Returns the handler rcode when done on this thread.
         */
        int round(int n, boolean sync) throws HandlerException {
            Set<Key> needed = new LinkedHashSet<>();
            Resolver.Upstream up = (name, type) -> {
                Key k = new Key(name, type);
                Map<Key, Message> known = results;
                Message m = known == null ? null : known.get(k);
                if (m == null && n < MAX_ROUNDS) {
                    needed.add(k);
                }
                return m;
            };
            Resolver.Answer answer;
            try {
                answer = resolver.resolve(store.index().view(), zone, request.qname(), request.name(), request.qtype(),
                        up);
            } catch (Resolver.NameError e) {
                return nameError(sync);
            } catch (Resolver.DataError e) {
                logOnce(e.getMessage());
                return reply(Rcodes.SERVFAIL, List.of(), List.of(), false, true);
            }
            if (needed.isEmpty()) {
                return reply(Rcodes.NOERROR, answer.answer(), answer.extra(), answer.truncated(), false);
            }
            return lookups(n, needed, sync);
        }

        /** Asks the whole server; continues with the next round once every answer is in. */
        int lookups(int n, Set<Key> needed, boolean sync) throws HandlerException {
            if (results == null) {
                results = new ConcurrentHashMap<>();
            }
            AtomicInteger outstanding = new AtomicInteger(needed.size() + 1);
            AtomicBoolean async = new AtomicBoolean(false);
            for (Key k : needed) {
                Capture cap = new Capture(k, () -> {
                    if (outstanding.decrementAndGet() == 0 && async.get()) {
                        continueLater(n + 1);
                    }
                });
                int rc = upstream(request.withQuestion(k.name(), k.type()), cap);
                if (rc != Handler.DEFERRED && !Rcodes.clientWrote(rc)) {
                    // nothing was written: the server would have answered with this rcode
                    cap.write(errorMessage(k, rc));
                }
            }
            async.set(true);
            if (outstanding.decrementAndGet() == 0) {
                return round(n + 1, sync);
            }
            return sync ? Handler.DEFERRED : Rcodes.NOERROR;
        }

        void continueLater(int n) {
            try {
                int rc = round(n, false);
                if (rc != Handler.DEFERRED && !Rcodes.clientWrote(rc)) {
                    writer.write(errorReply(rc));
                }
            } catch (HandlerException e) {
                writer.write(errorReply(e.rcode()));
            } catch (RuntimeException e) {
                LOG.error("answering " + request + " after upstream lookups: " + e);
                writer.write(errorReply(Rcodes.SERVFAIL));
            }
        }

        int nameError(boolean sync) throws HandlerException {
            if (fall.through(request.name())) {
                if (sync) {
                    return Handlers.nextOrFailure(name(), next, request, writer);
                }
                if (next == null) {
                    writer.write(errorReply(Rcodes.SERVFAIL));
                    return Rcodes.NOERROR;
                }
                int rc = next.serve(request, writer);
                if (rc != Handler.DEFERRED && !Rcodes.clientWrote(rc)) {
                    writer.write(errorReply(rc));
                }
                return Rcodes.NOERROR;
            }
            if (!store.ready()) {
                // not loaded yet: an NXDOMAIN now could be wrong
                return reply(Rcodes.SERVFAIL, List.of(), List.of(), false, true);
            }
            return reply(Rcodes.NXDOMAIN, List.of(), List.of(), false, true);
        }

        /** Writes an authoritative reply; with {@code soa} (negative and error replies) the zone's SOA. */
        int reply(int rcode, List<Record> answer, List<Record> extra, boolean truncated, boolean soa) {
            Message m = Replies.replyTo(request);
            Header h = m.getHeader();
            h.setRcode(rcode);
            h.setFlag(Flags.AA);
            if (truncated) {
                h.setFlag(Flags.TC);
            }
            if (answer.isEmpty() && rcode == Rcodes.NOERROR) {
                soa = true;
            }
            for (Record r : answer) {
                m.addRecord(r, Section.ANSWER);
            }
            if (soa) {
                m.addRecord(resolver.soa(zone), Section.AUTHORITY);
            }
            for (Record r : extra) {
                m.addRecord(r, Section.ADDITIONAL);
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }

        Message errorReply(int rcode) {
            Message m = Replies.replyTo(request);
            m.getHeader().setRcode(rcode & 0xF);
            return m;
        }

        /** Collects one upstream answer. */
        final class Capture implements ResponseWriter {
            final Key key;
            final Runnable done;
            final AtomicBoolean written = new AtomicBoolean();

            Capture(Key key, Runnable done) {
                this.key = key;
                this.done = done;
            }

            @Override
            public void write(Message reply) {
                if (!written.compareAndSet(false, true)) {
                    return;
                }
                results.put(key, reply);
                done.run();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return writer.remoteAddress();
            }

            @Override
            public InetSocketAddress localAddress() {
                return writer.localAddress();
            }
        }
    }

    /**
     * Serves {@code lookup} through the whole server as if it had arrived on the same port; the
     * rcode of the handler protocol (REFUSED when no block serves the name, SERVFAIL when nested
     * too deeply or when the chain throws).
     */
    private int upstream(Request lookup, ResponseWriter cap) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_REENTRIES) {
            String warning = "lookup of " + lookup.name() + " " + Type.string(lookup.qtype())
                    + " is nested " + MAX_REENTRIES + " lookups through the server deep (a loop of targets"
                    + " across zones?): it gets SERVFAIL";
            if (logged.size() <= 1000 && logged.add(warning)) {
                LOG.warning(warning);
            }
            return Rcodes.SERVFAIL;
        }
        depth[0]++;
        try {
            return instance.serve(lookup, cap);
        } catch (HandlerException e) {
            return e.rcode();
        } catch (RuntimeException e) {
            LOG.error("looking up " + lookup.name() + " through the server: " + e);
            return Rcodes.SERVFAIL;
        } finally {
            depth[0]--;
        }
    }

    private static Message errorMessage(Key k, int rcode) {
        Message m = new Message();
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode & 0xF);
        m.addRecord(Record.newRecord(k.name(), k.type(), DClass.IN), Section.QUESTION);
        return m;
    }
}
