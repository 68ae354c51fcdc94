package kdns.plugin.etcd.stubnext;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Test-only plugin that plays the acceptance harness's stub upstream behind {@code etcd}:
 * {@code stubnext [deferred] NAME...} answers the listed names with marker records
 * (A 192.0.2.53, AAAA 2001:db8::53, else TXT "kdns-acceptance-next-plugin") and every other name
 * with SERVFAIL; with {@code deferred} the reply is written 20 ms later from another thread.
 */
public final class StubNextPlugin implements Plugin {

    public StubNextPlugin() {
    }

    @Override
    public String name() {
        return "stubnext";
    }

    @Override
    public String description() {
        return "test stub behind etcd";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        boolean deferred = false;
        List<String> names = List.of();
        while (c.next()) {
            List<String> args = new java.util.ArrayList<>(c.remainingArgs());
            if (!args.isEmpty() && args.get(0).equals("deferred")) {
                deferred = true;
                args.remove(0);
            }
            names = args.stream().map(n -> (n.endsWith(".") ? n : n + ".").toLowerCase(Locale.ROOT)).toList();
        }
        boolean d = deferred;
        List<String> known = names;
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "stubnext";
            }

            @Override
            public int serve(Request r, ResponseWriter w) {
                Message m = reply(r, known.contains(r.name()));
                if (d) {
                    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> w.write(m));
                    return Handler.DEFERRED;
                }
                w.write(m);
                return Rcodes.NOERROR;
            }
        });
    }

    static Message reply(Request r, boolean known) {
        Message m = new Message(r.id());
        m.getHeader().setFlag(Flags.QR);
        m.addRecord(r.message().getQuestion(), Section.QUESTION);
        if (!known) {
            m.getHeader().setRcode(Rcodes.SERVFAIL);
            return m;
        }
        Name n = r.qname();
        try {
            Record rec = switch (r.qtype()) {
                case Type.A -> new ARecord(n, DClass.IN, 60, InetAddress.getByName("192.0.2.53"));
                case Type.AAAA -> new AAAARecord(n, DClass.IN, 60, InetAddress.getByName("2001:db8::53"));
                default -> new TXTRecord(n, DClass.IN, 60, "kdns-acceptance-next-plugin");
            };
            m.addRecord(rec, Section.ANSWER);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }
}
