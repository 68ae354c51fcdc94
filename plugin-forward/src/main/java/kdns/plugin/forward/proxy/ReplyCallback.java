package kdns.plugin.forward.proxy;

import java.io.IOException;
import org.xbill.DNS.Message;

/** Where one upstream attempt ends: exactly one of the two methods is called, once. */
public interface ReplyCallback {

    /** The upstream's reply (its ID is the one sent upstream). */
    void reply(Message reply);

    /** The attempt failed: timeout, refused, closed, unparseable reply. */
    void error(IOException error);
}
