package kdns.testing;

import java.net.InetSocketAddress;
import kdns.api.Request;
import kdns.api.Transport;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/** Builds {@link Request}s for handler tests, from {@link RecordingWriter#DEFAULT_REMOTE}. */
public final class TestRequests {

    private TestRequests() {
    }

    /** A UDP query with RD set, class IN. */
    public static Request query(String name, int type) {
        return query(name, type, DClass.IN);
    }

    public static Request query(String name, int type, int dclass) {
        return from(message(name, type, dclass), Transport.UDP, RecordingWriter.DEFAULT_REMOTE);
    }

    /** The same query arriving over TCP. */
    public static Request tcp(String name, int type) {
        return from(message(name, type, DClass.IN), Transport.TCP, RecordingWriter.DEFAULT_REMOTE);
    }

    public static Request from(Message m, Transport t, InetSocketAddress remote) {
        return new Request(m, t, remote, RecordingWriter.DEFAULT_LOCAL, ".");
    }

    /** A query message with RD set. */
    public static Message message(String name, int type, int dclass) {
        try {
            Name n = Name.fromString(name.endsWith(".") ? name : name + ".");
            Message m = Message.newQuery(Record.newRecord(n, type, dclass));
            m.getHeader().setFlag(Flags.RD);
            return m;
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad test name " + name, e);
        }
    }
}
