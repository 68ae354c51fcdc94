package kdns.plugin.forward.proxy;

import java.io.IOException;
import kdns.api.WireMessage;
import org.xbill.DNS.Message;

/** Where one upstream attempt ends: exactly one of the three methods is called, once. */
public interface ReplyCallback {

    /** The upstream's reply (its ID is the one sent upstream). */
    void reply(Message reply);

    /**
     * The upstream's reply still in wire form (UDP, when {@link WireMessage#locate} takes it; its
     * ID is the one sent upstream). The bytes are the callback's own: it may complete them in place.
     */
    void reply(WireMessage reply);

    /** The attempt failed: timeout, refused, closed, unparseable reply. */
    void error(IOException error);
}
