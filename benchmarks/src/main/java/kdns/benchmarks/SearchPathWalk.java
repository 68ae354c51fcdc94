package kdns.benchmarks;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What a pod's stub resolver does for one name: with {@code options ndots:N} and a search list, a
 * name with fewer than N dots is tried with every search domain first, then as it is; every
 * candidate is asked for A and AAAA together (as glibc does), and the walk stops at the first
 * candidate that is not NXDOMAIN for both. Repeats the walk and prints the queries and round trips
 * one walk took, and its latency.
 *
 * <pre>java -cp benchmarks.jar kdns.benchmarks.SearchPathWalk HOST PORT NDOTS NAME WALKS SEARCH...</pre>
 */
public final class SearchPathWalk {

    private SearchPathWalk() {
    }

    /** One walk's outcome. */
    record Walk(int queries, int roundTrips, long nanos, String answeredBy) {
    }

    static List<Name> candidates(String name, int ndots, List<String> search) throws IOException {
        List<Name> out = new ArrayList<>();
        long dots = name.chars().filter(ch -> ch == '.').count();
        Name asIs = Name.fromString(name.endsWith(".") ? name : name + ".");
        if (dots >= ndots || name.endsWith(".")) {
            out.add(asIs);
        }
        if (!name.endsWith(".")) {
            for (String s : search) {
                out.add(Name.fromString(name + "." + (s.endsWith(".") ? s : s + ".")));
            }
            if (dots < ndots) {
                out.add(asIs);
            }
        }
        return out;
    }

    static Walk walk(DatagramSocket socket, InetSocketAddress server, List<Name> candidates) throws IOException {
        long t0 = System.nanoTime();
        int queries = 0;
        int trips = 0;
        byte[] buf = new byte[65535];
        for (Name n : candidates) {
            trips++;
            int[] types = {Type.A, Type.AAAA};
            int[] ids = new int[2];
            for (int i = 0; i < 2; i++) {
                Message q = Message.newQuery(Record.newRecord(n, types[i], DClass.IN));
                ids[i] = q.getHeader().getID();
                byte[] wire = q.toWire();
                socket.send(new DatagramPacket(wire, wire.length, server));
                queries++;
            }
            boolean found = false;
            int got = 0;
            while (got < 2) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message r = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                int id = r.getHeader().getID();
                if (id != ids[0] && id != ids[1]) {
                    continue;
                }
                got++;
                if (r.getRcode() != Rcode.NXDOMAIN && !r.getSection(Section.ANSWER).isEmpty()) {
                    found = true;
                }
            }
            if (found) {
                return new Walk(queries, trips, System.nanoTime() - t0, n.toString());
            }
        }
        return new Walk(queries, trips, System.nanoTime() - t0, "(nothing)");
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            System.err.println("usage: SearchPathWalk HOST PORT NDOTS NAME WALKS SEARCH...");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int ndots = Integer.parseInt(args[2]);
        String name = args[3];
        int walks = Integer.parseInt(args[4]);
        List<Name> candidates = candidates(name, ndots, List.of(args).subList(5, args.length));
        long[] nanos = new long[walks];
        Walk last = null;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(2000);
            for (int i = 0; i < Math.min(200, walks); i++) {
                walk(socket, server, candidates); // warm-up
            }
            for (int i = 0; i < walks; i++) {
                last = walk(socket, server, candidates);
                nanos[i] = last.nanos();
            }
        }
        Arrays.sort(nanos);
        System.out.printf("queries %d round_trips %d p50_us %.0f p99_us %.0f answered_by %s%n", last.queries(),
                last.roundTrips(), nanos[walks / 2] / 1e3, nanos[Math.min(walks - 1, walks * 99 / 100)] / 1e3,
                last.answeredBy());
    }
}
