package kdns.plugin.forward.proxy;

import java.io.IOException;
import kdns.api.WireMessage;
import org.xbill.DNS.Message;

/**
 * An upstream's UDP reply as the transports read it: the common reply only located, so the
 * server's writer can relay it with the header and OPT completed ({@code ResponseWriter.writeWire}),
 * any other parsed, or the reason it could not be. Read before the waiting query is taken off its
 * table and handed to that query's callback after.
 */
final class DecodedReply {

    private final WireMessage located;
    private final Message parsed;
    private final IOException bad;

    private DecodedReply(WireMessage located, Message parsed, IOException bad) {
        this.located = located;
        this.parsed = parsed;
        this.bad = bad;
    }

    /** The reply in {@code bytes} (its first {@code n} octets; the array is the reply's from then on). */
    static DecodedReply of(Upstream upstream, byte[] bytes, int n) {
        WireMessage located = WireMessage.locate(bytes, n);
        if (located != null) {
            return new DecodedReply(located, null, null);
        }
        try {
            return new DecodedReply(null, new Message(bytes), null);
        } catch (IOException e) {
            return new DecodedReply(null, null, upstream.badReply(e));
        }
    }

    /** Calls the one method of {@code callback} this reply stands for. */
    void deliver(ReplyCallback callback) {
        if (bad != null) {
            callback.error(bad);
        } else if (located != null) {
            callback.reply(located);
        } else {
            callback.reply(parsed);
        }
    }
}
