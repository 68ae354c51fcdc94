package kdns.plugin.standard.chaos;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.text.RecordValues;
import kdns.api.Replies;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers TXT queries in class CH for {@code version.bind.}, {@code version.server.} (the
 * version), {@code authors.bind.} (one TXT record per author, in random order),
 * {@code hostname.bind.} and {@code id.server.} (the host name); TTL 0, owner name as the client
 * wrote it. Every other query goes to the next plugin.
 */
final class ChaosHandler implements Handler {

    private final Handler next;
    private final String version;
    private final String[] authors;
    private final String hostname;

    ChaosHandler(Handler next, String version, List<String> authors, String hostname) {
        this.next = next;
        this.version = version;
        this.authors = authors.toArray(new String[0]);
        this.hostname = hostname;
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (request.qclass() != DClass.CH || request.qtype() != Type.TXT) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        Message reply;
        Name owner = request.qname();
        switch (request.name()) {
            case "authors.bind." -> {
                reply = Replies.replyTo(request);
                String[] order = authors.clone();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = order.length - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    String t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (String a : order) {
                    reply.addRecord(txt(owner, a), Section.ANSWER);
                }
            }
            case "version.bind.", "version.server." -> {
                reply = Replies.replyTo(request);
                reply.addRecord(txt(owner, version), Section.ANSWER);
            }
            case "hostname.bind.", "id.server." -> {
                reply = Replies.replyTo(request);
                reply.addRecord(txt(owner, hostname), Section.ANSWER);
            }
            default -> {
                return Handlers.nextOrFailure(name(), next, request, writer);
            }
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }

    /** The text as it is: a backslash or a long UTF-8 version from the Corefile must not make this throw. */
    private static Record txt(Name owner, String text) {
        return RecordValues.txtRecord(owner, DClass.CH, 0, text);
    }
}
