package kdns.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import kdns.testing.DnsClient;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Clients that each ask one new name after the other over UDP, as a stub resolver does, until
 * stopped; every query and what came of it is kept. A client waits {@link #WAIT} for each reply:
 * longer than forward's worst case (its 5s deadline plus one 2s read timeout begun before it).
 */
final class QueryLoad implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(8);

    /** One query: the reply's rcode (-1 when none came within the wait), its first A and TTL. */
    record Outcome(String name, int rcode, String ip, long ttl, long nanos) {
        boolean answered() {
            return rcode >= 0;
        }
    }

    private final List<Thread> clients = new ArrayList<>();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    private QueryLoad() {
    }

    /** Starts {@code clients} clients asking {@code <prefix><client>-<n>.<zone>}. */
    static QueryLoad start(InetSocketAddress server, String zone, String prefix, int clients) {
        QueryLoad load = new QueryLoad();
        for (int c = 0; c < clients; c++) {
            String label = prefix + c + "-";
            load.clients.add(Thread.ofPlatform().name("load-" + label).start(() -> {
                for (int i = 0; !load.stopped && i < 1_000_000; i++) {
                    load.outcomes.add(ask(server, label + i + "." + zone, WAIT));
                }
            }));
        }
        return load;
    }

    /** One query; never throws for a missing reply (that is an outcome). */
    static Outcome ask(InetSocketAddress server, String name, Duration wait) {
        long start = System.nanoTime();
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), Type.A, DClass.IN));
            Message r = new Message(DnsClient.udpRaw(server, q.toWire(), wait));
            String ip = null;
            long ttl = -1;
            for (Record rec : r.getSection(Section.ANSWER)) {
                if (rec instanceof ARecord a) {
                    ip = a.getAddress().getHostAddress();
                    ttl = a.getTTL();
                    break;
                }
            }
            return new Outcome(name, r.getRcode(), ip, ttl, System.nanoTime() - start);
        } catch (IOException e) {
            return new Outcome(name, -1, null, -1, System.nanoTime() - start);
        }
    }

    /** Outcomes so far, in no particular order. */
    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Stops the clients after their current query and returns every outcome. */
    List<Outcome> stop() throws InterruptedException {
        stopped = true;
        for (Thread t : clients) {
            t.join(WAIT.toMillis() + 5_000);
        }
        return outcomes();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
