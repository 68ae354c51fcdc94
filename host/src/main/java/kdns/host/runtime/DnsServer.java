package kdns.host.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.prometheus.metrics.core.metrics.Counter;
import kdns.api.Log;
import kdns.api.MetricsRegistry;
import kdns.api.Transport;
import kdns.host.corefile.CorefileException;
import kdns.host.server.BlockChain;
import kdns.host.server.GrpcListener;
import kdns.host.server.HttpsListener;
import kdns.host.server.QueryProcessor;
import kdns.host.server.QuicListener;
import kdns.host.server.ServerTls;
import kdns.host.server.TcpListener;
import kdns.host.server.UdpListener;
import kdns.host.server.ZoneRouter;
import kdns.host.setup.BlockConfig;
import kdns.host.setup.ListenAddress;
import kdns.host.setup.ServerInstance;

/**
 * The running server: the sockets and the instance serving on them. Each listener reads its
 * {@link QueryProcessor} per packet through a volatile reference, so a new instance can be swapped
 * in without closing a socket.
 */
public final class DnsServer implements AutoCloseable {

    private static final Log LOG = Log.plain();

    /** Socket settings: how many UDP sockets share a port, and the TCP limits. */
    /**
     * @param udpSockets the UDP sockets of an address whose blocks have no {@code multisocket}: one, as
     *                   in CoreDNS (on this project's 2-core machine one reader answered more queries
     *                   at saturation than two, and used a quarter less CPU per query at 20k q/s)
     */
    public record Options(int udpSockets, TcpListener.Limits tcpLimits) {
        public static Options defaults() {
            return new Options(1, TcpListener.Limits.DEFAULT);
        }
    }

    private final Options options;
    private final MetricsRegistry metrics;
    private final QueryProcessor.PanicListener panics;
    private Counter httpsResponses;
    private Counter quicResponses;
    private final Map<ListenAddress, Endpoint> endpoints = new LinkedHashMap<>();
    private ServerInstance instance;
    private boolean stopped;

    /** One listen address: its sockets and the processor they currently use. */
    private static final class Endpoint {
        volatile QueryProcessor processor;
        UdpListener udp; // null on a tls://, https:// or grpc:// address
        TcpListener tcp; // null on an https:// or grpc:// address
        HttpsListener https; // only on an https:// address
        GrpcListener grpc; // only on a grpc:// address
        QuicListener quic; // only on a quic:// address

        void start() {
            if (udp != null) {
                udp.start();
            }
            if (tcp != null) {
                tcp.start();
            }
            if (https != null) {
                https.start();
            }
            if (grpc != null) {
                grpc.start();
            }
            if (quic != null) {
                quic.start();
            }
        }

        InetSocketAddress address() {
            return udp != null ? udp.address() : tcp != null ? tcp.address() : https != null ? https.address()
                    : grpc != null ? grpc.address() : quic.address();
        }

        int openConnections() {
            return tcp != null ? tcp.openConnections() : https != null ? https.openConnections()
                    : grpc != null ? grpc.openConnections() : quic.openConnections();
        }
    }

    /** A server whose plugin failures are logged and counted in {@code coredns_panics_total}. */
    public DnsServer(Options options, MetricsRegistry metrics) {
        this.options = options;
        this.metrics = metrics;
        QueryProcessor.PanicListener log = QueryProcessor.loggingPanics();
        Counter counter = metrics.counter("coredns_panics_total", "A metrics that counts the number of panics.");
        this.panics = (key, t) -> {
            counter.inc();
            log.panic(key, t);
        };
    }

    /**
     * Runs the instance's prepare hooks, binds every address it needs, runs its start-up hooks and
     * starts serving. The prepare hooks come first so that their background work (the etcd
     * plugin's connection and first read) overlaps the binding.
     *
     * @throws CorefileException when a prepare hook fails, an address cannot be bound or a start-up
     *                           hook fails; nothing is left listening then, and the abandon hooks ran
     */
    public synchronized void start(ServerInstance inst) throws CorefileException {
        prepare(inst);
        Map<ListenAddress, List<BlockChain>> plan = listenPlan(inst);
        try {
            for (Map.Entry<ListenAddress, List<BlockChain>> e : plan.entrySet()) {
                endpoints.put(e.getKey(), open(e.getKey(), e.getValue(), inst));
            }
        } catch (IOException e) {
            closeEndpoints();
            inst.hooks().abandon();
            throw new CorefileException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeEndpoints();
            inst.hooks().abandon();
            throw e;
        }
        try {
            inst.hooks().startup(true);
        } catch (Exception e) {
            inst.hooks().shutdown(true);
            inst.hooks().abandon();
            closeEndpoints();
            throw new CorefileException("start-up failed: " + e.getMessage(), e);
        }
        for (Endpoint ep : endpoints.values()) {
            ep.start();
        }
        this.instance = inst;
    }

    /**
     * Swaps in a new instance, keeping the sockets of every address both instances use: addresses
     * only the new one needs are bound first (a bind failure leaves the old instance serving), then
     * the new instance's start-up hooks run, the listeners switch to its chains, addresses it no
     * longer needs are closed, and the old instance's shutdown hooks run.
     *
     * @throws CorefileException when a prepare hook, binding or a start-up hook fails; the old
     *                           instance keeps serving, and the new one's abandon hooks ran
     */
    public synchronized void reload(ServerInstance next) throws CorefileException {
        if (stopped || instance == null) {
            next.hooks().abandon();
            throw new CorefileException("cannot reload: the server is not running");
        }
        prepare(next);
        Map<ListenAddress, List<BlockChain>> plan = listenPlan(next);
        Map<ListenAddress, Endpoint> opened = new LinkedHashMap<>();
        try {
            for (ListenAddress addr : plan.keySet()) {
                if (!endpoints.containsKey(addr)) {
                    opened.put(addr, open(addr, plan.get(addr), next));
                }
            }
        } catch (IOException e) {
            opened.values().forEach(DnsServer::closeEndpoint);
            next.hooks().abandon();
            throw new CorefileException(e.getMessage(), e);
        } catch (RuntimeException e) {
            opened.values().forEach(DnsServer::closeEndpoint);
            next.hooks().abandon();
            throw e;
        }
        try {
            next.hooks().startup(false);
        } catch (Exception e) {
            next.hooks().shutdown(false);
            next.hooks().abandon();
            opened.values().forEach(DnsServer::closeEndpoint);
            throw new CorefileException("start-up failed: " + e.getMessage(), e);
        }
        for (Map.Entry<ListenAddress, List<BlockChain>> e : plan.entrySet()) {
            Endpoint ep = endpoints.get(e.getKey());
            if (ep != null) {
                ep.processor = processorFor(e.getValue());
                TcpListener.Limits limits = next.tcpLimits(e.getKey(), options.tcpLimits());
                if (ep.https != null) {
                    ep.https.limits(limits);
                    ep.https.tls(next.serverTls(e.getKey()));
                } else if (ep.tcp != null) {
                    ep.tcp.limits(limits);
                    if (isTls(e.getKey())) {
                        ep.tcp.tls(next.serverTls(e.getKey()));
                    }
                }
                if (ep.grpc != null) {
                    ep.grpc.tls(next.serverTls(e.getKey()));
                }
                if (ep.quic != null) {
                    ep.quic.limits(limits);
                    try {
                        ep.quic.tls(next.serverTls(e.getKey()));
                    } catch (IOException x) {
                        LOG.error(e.getKey() + " keeps its certificate: " + x.getMessage());
                    }
                }
            }
        }
        for (Map.Entry<ListenAddress, Endpoint> e : opened.entrySet()) {
            e.getValue().start();
            endpoints.put(e.getKey(), e.getValue());
        }
        endpoints.entrySet().removeIf(e -> {
            if (!plan.containsKey(e.getKey())) {
                closeEndpoint(e.getValue());
                return true;
            }
            return false;
        });
        ServerInstance old = instance;
        instance = next;
        old.hooks().shutdown(false);
    }

    /** The instance's listen plan; a transport it cannot serve abandons the instance (its abandon hooks run). */
    private static Map<ListenAddress, List<BlockChain>> listenPlan(ServerInstance inst) throws CorefileException {
        try {
            return inst.listenPlan();
        } catch (CorefileException | RuntimeException e) {
            inst.hooks().abandon();
            throw e;
        }
    }

    /** Runs the prepare hooks; a failure abandons the instance (its abandon hooks run) and is rethrown. */
    private static void prepare(ServerInstance inst) throws CorefileException {
        try {
            inst.hooks().prepare();
        } catch (Exception e) {
            inst.hooks().abandon();
            throw new CorefileException("start-up failed: " + e.getMessage(), e);
        }
    }

    private Endpoint open(ListenAddress addr, List<BlockChain> chains, ServerInstance inst) throws IOException {
        InetSocketAddress sa = addr.socketAddress();
        BlockConfig.ListenerOptions limits = inst.listenerOptions(addr);
        if (addr.transport().equals("grpc")) {
            Endpoint ep = new Endpoint();
            ep.processor = processorFor(chains);
            ep.grpc = new GrpcListener(sa, () -> ep.processor, inst.serverTls(addr),
                    orDefault(limits.grpcMaxStreams(), GrpcListener.DEFAULT_MAX_STREAMS),
                    orDefault(limits.grpcMaxConnections(), GrpcListener.DEFAULT_MAX_CONNECTIONS));
            return ep;
        }
        if (addr.transport().equals("quic")) {
            Endpoint ep = new Endpoint();
            ep.processor = processorFor(chains);
            ep.quic = new QuicListener(sa, inst.tcpLimits(addr, options.tcpLimits()), () -> ep.processor,
                    inst.serverTls(addr), orDefault(limits.quicMaxStreams(), QuicListener.DEFAULT_MAX_STREAMS),
                    orDefault(limits.quicWorkerPoolSize(), QuicListener.DEFAULT_WORKER_POOL_SIZE),
                    quicResponses(), addr.toString());
            return ep;
        }
        // With port 0 (tests) UDP picks a free port and TCP joins it; another socket may hold that
        // TCP port already, so the pair is tried again on a new port a bounded number of times.
        int attempts = sa.getPort() == 0 ? 10 : 1;
        for (int i = 1; ; i++) {
            Endpoint ep = new Endpoint();
            ep.processor = processorFor(chains);
            try {
                bind(ep, addr, sa, inst, limits);
                return ep;
            } catch (IOException e) {
                closeEndpoint(ep);
                if (i >= attempts) {
                    throw e;
                }
            }
        }
    }

    /** Opens the listeners of a {@code dns://}, {@code tls://} or {@code https://} address into {@code ep}. */
    private void bind(Endpoint ep, ListenAddress addr, InetSocketAddress sa, ServerInstance inst,
                      BlockConfig.ListenerOptions limits) throws IOException {
        if (addr.transport().equals("https")) {
            ServerTls tls = tlsOrPlain(addr, inst, "HTTP");
            int maxConnections = limits.httpsMaxConnections() != null ? limits.httpsMaxConnections()
                    : Math.min(HttpsListener.DEFAULT_MAX_CONNECTIONS, options.tcpLimits().maxConnections());
            ep.https = new HttpsListener(sa, inst.tcpLimits(addr, options.tcpLimits()), () -> ep.processor, tls,
                    maxConnections, httpsResponses(), addr.toString());
        } else if (isTls(addr)) {
            ServerTls tls = tlsOrPlain(addr, inst, "TCP");
            ep.tcp = new TcpListener(sa, inst.tcpLimits(addr, options.tcpLimits()), () -> ep.processor,
                    Transport.TLS, tls);
        } else {
            ep.udp = UdpListener.open(sa, orDefault(limits.udpSockets(), options.udpSockets()), () -> ep.processor);
            InetSocketAddress tcpAddr = sa.getPort() == 0
                    ? new InetSocketAddress(sa.getAddress(), ep.udp.address().getPort()) : sa;
            ep.tcp = new TcpListener(tcpAddr, inst.tcpLimits(addr, options.tcpLimits()), () -> ep.processor);
        }
    }

    /** The address's TLS settings; without a tls plugin in its blocks it serves plain {@code transport}, as CoreDNS. */
    private static ServerTls tlsOrPlain(ListenAddress addr, ServerInstance inst, String transport) {
        ServerTls tls = inst.serverTls(addr);
        if (tls == null) {
            LOG.warning(addr + " has no tls plugin in its blocks: serving DNS over plain " + transport
                    + " there, as CoreDNS");
        }
        return tls;
    }

    private static boolean isTls(ListenAddress addr) {
        return addr.transport().equals("tls");
    }

    /** CoreDNS's DoH counter, registered with the first {@code https://} server. */
    private Counter httpsResponses() {
        if (httpsResponses == null) {
            httpsResponses = metrics.counter("coredns_dns_https_responses_total",
                    "Counter of DoH responses per server and http status code.", "server", "status");
        }
        return httpsResponses;
    }

    /** CoreDNS's DoQ counter, registered with the first {@code quic://} server. */
    private Counter quicResponses() {
        if (quicResponses == null) {
            quicResponses = metrics.counter("coredns_dns_quic_responses_total",
                    "Counter of DoQ responses per server and QUIC application code.", "server", "status");
        }
        return quicResponses;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private QueryProcessor processorFor(List<BlockChain> chains) {
        return new QueryProcessor(new ZoneRouter(chains), panics);
    }

    private static void closeEndpoint(Endpoint ep) {
        if (ep.udp != null) {
            ep.udp.close();
        }
        if (ep.tcp != null) {
            ep.tcp.close();
        }
        if (ep.https != null) {
            ep.https.close();
        }
        if (ep.grpc != null) {
            ep.grpc.close();
        }
        if (ep.quic != null) {
            ep.quic.close();
        }
    }

    /** The bound addresses, in plan order (UDP's; TCP uses the same port; TCP's for tls:// and https://). */
    public synchronized List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        endpoints.values().forEach(ep -> out.add(ep.address()));
        return out;
    }

    /** The listen addresses as the Corefile asked for them, each with the port actually bound. */
    public synchronized Map<ListenAddress, InetSocketAddress> boundAddresses() {
        Map<ListenAddress, InetSocketAddress> out = new LinkedHashMap<>();
        endpoints.forEach((k, ep) -> out.put(k, ep.address()));
        return out;
    }

    public synchronized ServerInstance instance() {
        return instance;
    }

    /** Total plugin failures caught on every listener. */
    public synchronized long panics() {
        return endpoints.values().stream().mapToLong(ep -> ep.processor.panics()).sum();
    }

    /** Open TCP client connections on every listener (DNS over TLS and HTTPS included). */
    public synchronized int openTcpConnections() {
        return endpoints.values().stream().mapToInt(Endpoint::openConnections).sum();
    }

    /**
     * Stops for good: the final shutdown hooks first (health's lameduck keeps answering while it
     * waits), then the sockets.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (instance != null) {
            instance.hooks().shutdown(true);
        }
        closeEndpoints();
        LOG.debug("server stopped");
    }

    private void closeEndpoints() {
        endpoints.values().forEach(DnsServer::closeEndpoint);
        endpoints.clear();
    }
}
