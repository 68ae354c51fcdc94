package kdns.plugin.kubernetes.stub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Test-only plugin: {@code stubanswer [deferred] IP} answers every A query with {@code IP} (TTL 60)
 * and every other type with NODATA; with {@code deferred} the reply is written 20 ms later from
 * another thread.
 */
public final class StubAnswerPlugin implements Plugin {

    public StubAnswerPlugin() {
    }

    @Override
    public String name() {
        return "stubanswer";
    }

    @Override
    public String description() {
        return "test stub answering A queries";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        boolean deferred = false;
        InetAddress ip = null;
        while (c.next()) {
            for (String a : c.remainingArgs()) {
                if (a.equals("deferred")) {
                    deferred = true;
                    continue;
                }
                try {
                    ip = InetAddress.getByName(a);
                } catch (UnknownHostException e) {
                    throw c.err("not an IP: " + a);
                }
            }
        }
        if (ip == null) {
            throw c.argErr();
        }
        boolean d = deferred;
        InetAddress address = ip;
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "stubanswer";
            }

            @Override
            public int serve(Request r, ResponseWriter w) {
                Message m = new Message(r.id());
                m.getHeader().setFlag(Flags.QR);
                m.addRecord(r.message().getQuestion(), Section.QUESTION);
                if (r.qtype() == Type.A) {
                    m.addRecord(new ARecord(r.qname(), DClass.IN, 60, address), Section.ANSWER);
                }
                if (d) {
                    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> w.write(m));
                    return Handler.DEFERRED;
                }
                w.write(m);
                return Rcodes.NOERROR;
            }
        });
    }
}
