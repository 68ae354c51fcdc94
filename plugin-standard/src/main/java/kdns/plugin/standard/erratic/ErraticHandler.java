package kdns.plugin.standard.erratic;

import java.net.InetAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.text.IpLiterals;
import kdns.api.Replies;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Counts queries and misbehaves on the counts its settings name (the first query is number 0). */
final class ErraticHandler implements Handler {

    private static final InetAddress V4 = IpLiterals.address(new byte[] {(byte) 192, 0, 2, 53});
    private static final InetAddress V6 = IpLiterals.address(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0x53});

    private final ErraticPlugin.Settings settings;
    private final ScheduledExecutorService timers;
    private final AtomicLong queries = new AtomicLong();

    ErraticHandler(ErraticPlugin.Settings settings, ScheduledExecutorService timers) {
        this.settings = settings;
        this.timers = timers;
    }

    @Override
    public String name() {
        return "erratic";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) {
        long n = queries.getAndIncrement();
        boolean drop = settings.drop() > 0 && n % settings.drop() == 0;
        boolean delay = settings.delay() > 0 && n % settings.delay() == 0;
        boolean truncate = settings.truncate() > 0 && n % settings.truncate() == 0;
        if (drop) {
            return Rcodes.NOERROR; // nothing is written: the client gets no reply
        }
        Message m;
        int qtype = request.qtype();
        if (qtype == Type.A || qtype == Type.AAAA) {
            m = Replies.replyTo(request);
            m.getHeader().setFlag(Flags.AA);
            if (truncate) {
                m.getHeader().setFlag(Flags.TC);
            }
            int copies = qtype == Type.A && settings.large() ? 30 : 1;
            for (int i = 0; i < copies; i++) {
                m.addRecord(qtype == Type.A ? new ARecord(request.qname(), DClass.IN, 0, V4)
                        : new AAAARecord(request.qname(), DClass.IN, 0, V6), Section.ANSWER);
            }
        } else {
            m = Replies.errorReply(request, Rcode.SERVFAIL);
        }
        if (delay && !settings.duration().isZero()) {
            Message reply = m;
            timers.schedule(() -> writer.write(reply), settings.duration().toNanos(), TimeUnit.NANOSECONDS);
            return DEFERRED;
        }
        writer.write(m);
        return Rcodes.NOERROR;
    }
}
