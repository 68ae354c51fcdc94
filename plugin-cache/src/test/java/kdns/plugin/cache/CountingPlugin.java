package kdns.plugin.cache;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * Test-only {@code testcount [defer]}: answers every query with one A record (TTL 60) and counts
 * how often each name was asked; with {@code defer} the reply is written from another thread.
 */
public final class CountingPlugin implements Plugin {

    static final ConcurrentHashMap<String, AtomicInteger> ASKED = new ConcurrentHashMap<>();

    static int asked(String name) {
        AtomicInteger n = ASKED.get(name);
        return n == null ? 0 : n.get();
    }

    @Override
    public String name() {
        return "testcount";
    }

    @Override
    public String description() {
        return "test: answers and counts queries per name";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        boolean defer = false;
        while (c.next()) {
            if (c.nextArg()) {
                if (!c.val().equals("defer")) {
                    throw c.argErr();
                }
                defer = true;
            }
        }
        boolean deferred = defer;
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "testcount";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                ASKED.computeIfAbsent(request.name(), k -> new AtomicInteger()).incrementAndGet();
                Message m = new Message(request.id());
                m.getHeader().setFlag(Flags.QR);
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                try {
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 60,
                            InetAddress.getByAddress(new byte[] {10, 1, 2, 3})), Section.ANSWER);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
                if (deferred) {
                    Thread.startVirtualThread(() -> writer.write(m));
                    return Handler.DEFERRED;
                }
                writer.write(m);
                return 0;
            }
        });
    }
}
