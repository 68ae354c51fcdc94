package kdns.benchmarks;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Request;
import kdns.api.Transport;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A benchmark's A queries, each both as the {@link Request} a handler is given and as the wire
 * bytes the server receives, handed out in turn so that a run reads the data set rather than one
 * hot name.
 */
final class QueryCycle {

    private final Request[] requests;
    private final byte[][] wires;
    private int next;

    /**
     * @param names      the query names, in the order to ask them
     * @param serverZone the zone of the block that routes them
     */
    QueryCycle(List<String> names, InetSocketAddress client, InetSocketAddress local, String serverZone)
            throws TextParseException {
        requests = new Request[names.size()];
        wires = new byte[names.size()][];
        for (int i = 0; i < requests.length; i++) {
            // RD set, as a stub resolver sends it
            Message q = Message.newQuery(Record.newRecord(Name.fromString(names.get(i)), Type.A, DClass.IN));
            requests[i] = new Request(q, Transport.UDP, client, local, serverZone);
            // The server works out the lower-case name while routing the query, before any handler runs.
            requests[i].name();
            wires[i] = q.toWire();
        }
    }

    /** Every request, in order (for warming and checks). */
    Request[] requests() {
        return requests.clone();
    }

    /** The next query as a parsed request. */
    Request nextRequest() {
        return requests[advance()];
    }

    /** The next query as wire bytes. */
    byte[] nextWire() {
        return wires[advance()];
    }

    private int advance() {
        int i = next;
        next = i + 1 == requests.length ? 0 : i + 1;
        return i;
    }
}
