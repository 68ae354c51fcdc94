package kdns.plugin.etcd.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.resolver.DnsSrvResolverProvider;
import io.etcd.jetcd.resolver.HttpResolverProvider;
import io.etcd.jetcd.resolver.HttpsResolverProvider;
import io.etcd.jetcd.resolver.IPResolverProvider;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.NameResolverRegistry;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import kdns.api.Log;
import kdns.api.MetricsRegistry;

/**
 * Keeps {@link Index} equal to etcd's keys under one path: a range read, then a watch from the
 * read's revision; events are applied as they come and the revision of the last applied event is
 * kept. A lost connection (member stopped, leader lost, keepalive timed out) closes the watch and,
 * once etcd answers again, opens a new one from that revision, so a short outage costs no full read.
 * The full read is done again only when etcd cannot replay the gap: the history was compacted past
 * it ("required revision has been compacted") or etcd's revision went backwards (data restored or
 * wiped). Reconnects are retried with exponential backoff, each on a new client (new connections);
 * meanwhile the index keeps the last known data. A watch that stays silent although asked for its
 * progress counts as a lost connection. Lease lifetimes are read when a key with a lease changes and refreshed periodically, so TTLs
 * derived from leases count down.
 *
 * <p>jetcd's own watch resumption is not used: it moves its resume point to the creation
 * response's header revision before the events up to it have arrived, so a second break during a
 * catch-up would skip them. Each break closes the jetcd watcher and this store resumes itself.
 *
 * <p>All etcd work happens on jetcd's threads and on this store's own single scheduler thread;
 * nothing here is ever called from a DNS reader thread except {@link #index()} and {@link #ready()}.
 */
public final class EtcdStore {

    private static final Log LOG = Log.forPlugin("etcd");
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final long BACKOFF_MIN_MS = 200;
    /**
     * Longest wait between attempts while etcd cannot be reached: once a quorum is back, the next
     * attempt (on a new connection, see {@link #discardClient}) finds it within about this time.
     */
    private static final long BACKOFF_MAX_MS = 1_000;
    /**
     * Longest wait between attempts etcd refuses (credentials, certificates, permissions): those need
     * a change by a person, and each refused login costs etcd a password hash.
     */
    private static final long REFUSED_BACKOFF_MAX_MS = 3_000;
    /** A watch silent this long is asked for its progress; etcd answers at once on a live stream. */
    private static final long PROBE_AFTER_MS = 1_000;
    /** A watch silent this long despite the progress requests is given up (member paused or cut off). */
    private static final long SILENT_LIMIT_MS = 3_000;
    private static final long LEASE_REFRESH_S = 5;
    private static final long LEASE_WAIT_MS = 2_000;

    private enum State { STARTING, CONNECTED, DISCONNECTED, STOPPED }

    /** What the store connects to. */
    public record Settings(List<URI> endpoints, String username, String password,
                           SslContext ssl, String prefix) {
    }

    private final Settings settings;
    private final Index index;
    private final AtomicInteger users = new AtomicInteger();
    private final Gauge keysGauge;
    private final Gauge connectedGauge;
    private final Counter events;
    private final Counter relists;

    private ScheduledExecutorService scheduler;
    private Client client;
    private Watch.Watcher watcher;
    /** When the current watch last delivered anything: events, a progress answer, its creation. */
    private volatile long lastHeard;
    private ScheduledFuture<?> leaseRefresh;
    private long generation;
    /** The etcd revision the index reflects: the full read's, then each applied event's (0 before the first read). */
    private long revision;
    private long backoffMs = BACKOFF_MIN_MS;
    /** The last batch of watch events waiting for lease lifetimes (done when none waits). */
    private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);
    private volatile State state = State.STARTING;
    private volatile boolean loaded;
    private String lastError = "";

    public EtcdStore(Settings settings, MetricsRegistry metrics) {
        this.settings = settings;
        this.index = new Index(settings.prefix());
        this.keysGauge = metrics.gauge("coredns_etcd_keys", "Keys under the etcd path held in memory.", "path");
        this.connectedGauge = metrics.gauge("coredns_etcd_connected",
                "1 while the watch on the etcd path is established, else 0.", "path");
        this.events = metrics.counter("coredns_etcd_watch_events_total",
                "Watch events applied to the in-memory index, by type (put, delete).", "path", "type");
        this.relists = metrics.counter("coredns_etcd_relists_total",
                "Full range reads of the etcd path, by reason (initial, reconnect, compacted).", "path", "reason");
    }

    /** The index the answers are read from. */
    public Index index() {
        return index;
    }

    /** True once the first complete read of the path was loaded. */
    public boolean ready() {
        return loaded;
    }

    /** True while the watch is established. */
    public boolean connected() {
        return state == State.CONNECTED;
    }

    /** Starts connecting in the background (first caller only; later calls count users). */
    public synchronized void start() {
        if (users.getAndIncrement() > 0 || state == State.STOPPED) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kdns-etcd " + settings.prefix());
            t.setDaemon(true);
            return t;
        });
        connectedGauge.labelValues(settings.prefix()).set(0);
        scheduler.execute(() -> relist("initial"));
        leaseRefresh = scheduler.scheduleWithFixedDelay(this::refreshLeases, LEASE_REFRESH_S, LEASE_REFRESH_S,
                TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::checkWatchAlive, PROBE_AFTER_MS / 2, PROBE_AFTER_MS / 2,
                TimeUnit.MILLISECONDS);
    }

    /** Stops the watch and the client (when the last user stops). */
    public synchronized void stop() {
        if (users.decrementAndGet() > 0 || state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        connectedGauge.labelValues(settings.prefix()).set(0);
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            return;
        }
        s.execute(() -> {
            closeWatcher();
            discardClient();
        });
        s.shutdown();
        try {
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                s.shutdownNow();
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- everything below runs on the scheduler thread -----------------------------------------

    /**
     * jetcd's endpoints are an {@code ip:///} target, resolved by jetcd's own name resolver, which
     * gRPC's registry finds with {@link java.util.ServiceLoader} through gRPC's class loader. In a
     * distribution gRPC lives in the boot layer (the host serves {@code grpc://} with it) and cannot
     * see this plugin's layer, so jetcd's resolvers are registered with it by hand, once.
     */
    private static void registerResolvers() {
        synchronized (RESOLVERS_REGISTERED) {
            if (RESOLVERS_REGISTERED.getAndSet(true)) {
                return;
            }
            NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();
            registry.register(new IPResolverProvider());
            registry.register(new DnsSrvResolverProvider());
            registry.register(new HttpResolverProvider());
            registry.register(new HttpsResolverProvider());
        }
    }

    private static final AtomicBoolean RESOLVERS_REGISTERED =
            new AtomicBoolean();

    private Client client() {
        if (client == null) {
            registerResolvers();
            ClientBuilder b = Client.builder()
                    .endpoints(settings.endpoints().toArray(new URI[0]))
                    .connectTimeout(Duration.ofSeconds(3))
                    // a dead connection under the other calls; the watch is checked sooner with
                    // progress requests (checkWatchAlive). grpc-java raises anything below 10 s to
                    // 10 s, and etcd closes connections that ping more often than every 5 s.
                    .keepaliveTime(Duration.ofSeconds(10))
                    .keepaliveTimeout(Duration.ofSeconds(5))
                    // one quick retry (jetcd's, e.g. after refreshing an expired auth token); every
                    // other retry is this store's, on a new connection
                    .retryMaxAttempts(1)
                    .retryDelay(50)
                    .retryMaxDelay(100)
                    .retryMaxDuration(READ_TIMEOUT)
                    // fail fast instead of waiting for a channel that cannot connect (refused
                    // credentials, a rejected certificate, all members down): the error reaches the
                    // log and this store's own backoff retries
                    .waitForReady(false);
            if (!settings.username().isEmpty() && !settings.password().isEmpty()) {
                b.user(bytes(settings.username())).password(bytes(settings.password()));
            }
            if (settings.ssl() != null) {
                b.sslContext(settings.ssl());
            }
            client = b.build();
        }
        return client;
    }

    /**
     * Closes the client and its connections; the next attempt builds a new one. gRPC waits longer
     * and longer (1 s growing to 2 min) before it connects again to an address that refused or
     * dropped it, so an old client can keep failing for seconds after etcd is back; a new client
     * connects at once. A new client also leaves a member that stopped answering without closing
     * its connections (paused, cut off): it does not become ready there, so its calls go to the others.
     */
    private void discardClient() {
        Client c = client;
        client = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the etcd client: " + e);
            }
        }
    }

    /** Full range read + new watch from its revision; on failure, retries later. */
    private void relist(String reason) {
        if (state == State.STOPPED) {
            return;
        }
        closeWatcher();
        ByteSequence prefix = bytes(watchPrefix());
        try {
            relists.labelValues(settings.prefix(), reason).inc();
            // linearizable (the default): a member cut off from the quorum cannot hand out stale data
            GetResponse r = client().getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long readRevision = r.getHeader().getRevision();
            List<KeyValue> kvs = r.getKvs();
            Index.Keys fresh = Index.Keys.load(settings.prefix(), kvs,
                    kv -> Node.of(string(kv.getKey()), kv.getValue().getBytes(), kv.getLease(), kv.getModRevision()));
            Set<Long> leases = new HashSet<>();
            for (KeyValue kv : kvs) {
                if (kv.getLease() != 0) {
                    leases.add(kv.getLease());
                }
            }
            readLeases(leases);
            index.replace(fresh);
            index.retainLeases(leases);
            // Ready as soon as the data is served: a name missing from it is then NXDOMAIN, not SERVFAIL.
            boolean first = !loaded;
            loaded = true;
            keysGauge.labelValues(settings.prefix()).set(fresh.size());
            revision = readRevision;
            watch();
            markConnected();
            // a full read is rare (start, compaction, reset): each one is logged
            LOG.info((first ? "loaded " : "reloaded ") + fresh.size() + " keys under " + settings.prefix() + " from "
                    + settings.endpoints() + " (revision " + readRevision + ")");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            failed(describe(e));
        }
    }

    /**
     * After a lost connection: a new watch from the revision after the last applied one. A
     * count-only read first proves a quorum answers (linearizable) and that etcd's revision did not
     * go backwards; a compacted gap is reported by the new watch and handled in {@link #onWatchError}.
     */
    private void resume() {
        if (state == State.STOPPED) {
            return;
        }
        closeWatcher();
        try {
            GetResponse r = client().getKVClient().get(bytes(watchPrefix()),
                            GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long current = r.getHeader().getRevision();
            if (current < revision) {
                LOG.warning("etcd at " + settings.endpoints() + " is at revision " + current + ", behind the "
                        + revision + " already served (data restored or wiped); reading " + settings.prefix() + " again");
                relist("reset");
                return;
            }
            watch();
            LOG.info("reconnected to etcd at " + settings.endpoints() + ", resuming the watch on " + settings.prefix()
                    + " after revision " + revision + " (now " + current + ")");
            markConnected();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            failed(describe(e));
        }
    }

    /** A watch on the path from the revision after {@link #revision}. */
    private void watch() {
        long gen = generation;
        lastHeard = System.nanoTime();
        // requireLeader: a member that loses its leader ends the watch instead of keeping it silent
        WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(revision + 1).withRequireLeader(true)
                .build();
        watcher = client().getWatchClient().watch(bytes(watchPrefix()), opt, Watch.listener(
                resp -> onEvents(gen, resp),
                err -> onWatchError(gen, err),
                () -> onWatchError(gen, new IllegalStateException("watch closed by the server"))));
    }

    private void markConnected() {
        backoffMs = BACKOFF_MIN_MS;
        lastError = "";
        state = State.CONNECTED;
        connectedGauge.labelValues(settings.prefix()).set(1);
    }

    /**
     * Runs on the scheduler every half second: a watch without news for {@link #PROBE_AFTER_MS} is
     * asked for its progress, and one silent for {@link #SILENT_LIMIT_MS} all the same is given
     * up, so a member that stops answering without closing the connection (SIGSTOP, a frozen VM, a
     * partition that drops packets) is left within seconds instead of gRPC's keepalive (10 s + 5 s).
     */
    private void checkWatchAlive() {
        Watch.Watcher w = watcher;
        if (state != State.CONNECTED || w == null) {
            return;
        }
        long silentMs = (System.nanoTime() - lastHeard) / 1_000_000;
        if (silentMs >= SILENT_LIMIT_MS) {
            failed(new Failure("no answer on the watch for " + silentMs + " ms, progress requests included", false));
        } else if (silentMs >= PROBE_AFTER_MS) {
            try {
                w.requestProgress();
            } catch (RuntimeException e) {
                failed(describe(e));
            }
        }
    }

    private void failed(Failure failure) {
        String error = failure.text();
        closeWatcher();
        discardClient();
        if (state == State.STOPPED) {
            return;
        }
        if (state == State.CONNECTED) {
            LOG.warning("lost etcd at " + settings.endpoints() + ": " + error + "; serving the last known "
                    + index.size() + " keys and reconnecting");
        } else if (state == State.STARTING) {
            LOG.warning("cannot load " + settings.prefix() + " from etcd at " + settings.endpoints() + ": " + error
                    + "; not ready, retrying");
        } else if (!error.equals(lastError)) {
            LOG.warning("etcd at " + settings.endpoints() + " still unreachable: " + error);
        }
        lastError = error;
        state = State.DISCONNECTED;
        connectedGauge.labelValues(settings.prefix()).set(0);
        long delay = backoffMs;
        backoffMs = Math.min(failure.refused() ? REFUSED_BACKOFF_MAX_MS : BACKOFF_MAX_MS, backoffMs * 2);
        scheduler.schedule(() -> {
            if (loaded) {
                resume();
            } else {
                relist("initial");
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void onEvents(long gen, WatchResponse resp) {
        lastHeard = System.nanoTime();
        List<WatchEvent> list = resp.getEvents();
        if (list.isEmpty()) {
            return;
        }
        submit(() -> {
            if (gen != generation) {
                return;
            }
            // A put with a lease not seen before is applied once the lease's remaining time is
            // known (bounded wait), so its first answer already has the right TTL. Batches stay in
            // order: each one waits for the one before.
            Set<Long> leases = new HashSet<>();
            for (WatchEvent ev : list) {
                if (ev.getEventType() == WatchEvent.EventType.PUT && ev.getKeyValue().getLease() != 0) {
                    leases.add(ev.getKeyValue().getLease());
                }
            }
            List<CompletableFuture<?>> unknown = new ArrayList<>();
            for (long lease : leases) {
                CompletableFuture<?> f = askLease(lease);
                if (!index.knowsLease(lease)) {
                    unknown.add(f);
                }
            }
            if (unknown.isEmpty() && pending.isDone()) {
                apply(gen, list);
                return;
            }
            CompletableFuture<Void> known = CompletableFuture.allOf(unknown.toArray(new CompletableFuture<?>[0]))
                    .completeOnTimeout(null, LEASE_WAIT_MS, TimeUnit.MILLISECONDS);
            pending = CompletableFuture.allOf(pending, known)
                    .handle((v, e) -> null)
                    .thenRunAsync(() -> apply(gen, list), scheduler);
        });
    }

    private void apply(long gen, List<WatchEvent> list) {
        if (gen != generation) {
            return;
        }
        for (WatchEvent ev : list) {
            KeyValue kv = ev.getKeyValue();
            String key = string(kv.getKey());
            if (ev.getEventType() == WatchEvent.EventType.PUT) {
                index.put(Node.of(key, kv.getValue().getBytes(), kv.getLease(), kv.getModRevision()));
                events.labelValues(settings.prefix(), "put").inc();
            } else if (ev.getEventType() == WatchEvent.EventType.DELETE) {
                index.remove(key);
                events.labelValues(settings.prefix(), "delete").inc();
            }
            revision = Math.max(revision, kv.getModRevision());
        }
        keysGauge.labelValues(settings.prefix()).set(index.size());
    }

    private void onWatchError(long gen, Throwable err) {
        submit(() -> {
            if (gen != generation || state == State.STOPPED) {
                return;
            }
            if (err instanceof CompactedException
                    || String.valueOf(err.getMessage()).contains("required revision has been compacted")) {
                LOG.info("the watch on " + settings.prefix() + " cannot resume after revision " + revision
                        + ": etcd's history was compacted past it; reading the path again");
                relist("compacted");
                return;
            }
            failed(describe(err));
        });
    }

    /** Closes the current watch; callbacks still queued for it are ignored from now on. */
    private void closeWatcher() {
        generation++;
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // already closed by the client
            }
        }
    }

    /** Reads the remaining time of leases (bounded wait; unknown ones are asked again later). */
    private void readLeases(Set<Long> leases) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (long lease : leases) {
            long asked = System.nanoTime();
            all.add(client().getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)
                    .thenAccept(r -> index.leaseTtl(lease, r.getTTL(), asked)));
        }
        try {
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // leases not read yet count as unknown (shortest TTL) until the next refresh
        }
    }

    private CompletableFuture<?> askLease(long lease) {
        long asked = System.nanoTime();
        return client().getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)
                .thenAccept((LeaseTimeToLiveResponse r) -> index.leaseTtl(lease, r.getTTL(), asked));
    }

    private void refreshLeases() {
        if (state != State.CONNECTED) {
            return;
        }
        Set<Long> inUse = index.leasesInUse();
        index.retainLeases(inUse);
        for (long lease : inUse) {
            askLease(lease);
        }
    }

    private void submit(Runnable r) {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) {
            return;
        }
        try {
            s.execute(r);
        } catch (RejectedExecutionException ignored) {
            // stopping
        }
    }

    private String watchPrefix() {
        return settings.prefix().endsWith("/") ? settings.prefix() : settings.prefix() + "/";
    }

    /** Why etcd could not be used, and whether etcd refused (a person must act) rather than could not be reached. */
    private record Failure(String text, boolean refused) {
    }

    /**
     * One line saying why etcd could not be used, for the log: the cause a person can act on
     * (refused credentials, a certificate the other side rejects, connection refused) rather than
     * gRPC's outer status ("UNAUTHENTICATED", "UNAVAILABLE: ssl exception").
     */
    private Failure describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return new Failure("no answer within " + READ_TIMEOUT.toSeconds() + "s", false);
        }
        StringBuilder all = new StringBuilder();
        Throwable root = t;
        SSLHandshakeException handshake = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(' ').append(c.getMessage());
            root = c;
            if (c instanceof SSLHandshakeException h && handshake == null) {
                handshake = h;
            }
        }
        String text = all.toString();
        if (handshake != null) {
            String m = firstLine(String.valueOf(handshake.getMessage()));
            String hint = m.contains("bad_certificate") || m.contains("certificate_required")
                    ? " (etcd did not accept the client certificate: check the tls CERT and KEY)"
                    : m.contains("PKIX") || m.contains("certificate_unknown")
                    ? " (etcd's certificate is not signed by the tls CACERT)" : "";
            return new Failure("TLS handshake with etcd failed: " + m + hint, true);
        }
        if (text.contains("authentication failed")) {
            return new Failure("etcd refused the credentials of user '" + settings.username()
                    + "' (etcdserver: authentication failed, invalid user ID or password)", true);
        }
        if (text.contains("permission denied")) {
            return new Failure("etcd denied user '" + settings.username() + "' reading " + watchPrefix()
                    + " (etcdserver: permission denied): grant its role read access to that prefix", true);
        }
        if (root instanceof ConnectException) {
            return new Failure("connection refused", false);
        }
        String outer = firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        String inner = root == t || root.getMessage() == null ? "" : firstLine(root.getMessage());
        return new Failure(inner.isEmpty() || outer.contains(inner) ? outer : outer + ": " + inner, false);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String string(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
