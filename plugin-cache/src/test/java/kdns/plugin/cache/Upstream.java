package kdns.plugin.cache;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** The plugin after cache in handler tests: counts its calls and answers as told. */
final class Upstream implements Handler {

    /** How the next answer is given. */
    enum Mode { WRITE, DEFER, THROW, RETURN_SERVFAIL, DEFER_FAIL }

    final AtomicInteger calls = new AtomicInteger();
    final List<Request> seen = new CopyOnWriteArrayList<>();
    volatile Mode mode = Mode.WRITE;
    volatile Function<Request, Message> answer = r -> a(r, 300, "10.0.0.1");
    /** Released to let a deferred answer be written; null writes it at once from another thread. */
    volatile CountDownLatch gate;
    /** Counted down after every deferred write. */
    volatile CountDownLatch deferredWritten = new CountDownLatch(1);

    @Override
    public String name() {
        return "upstream";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        calls.incrementAndGet();
        seen.add(request);
        switch (mode) {
            case THROW -> throw new HandlerException(Rcodes.SERVFAIL, "upstream down");
            case RETURN_SERVFAIL -> {
                return Rcodes.SERVFAIL;
            }
            case DEFER_FAIL -> {
                // As forward gives up: the reason first, then its SERVFAIL, from another thread.
                CountDownLatch done = deferredWritten;
                Thread t = new Thread(() -> {
                    try {
                        writer.reportError(new HandlerException(Rcodes.SERVFAIL, "no healthy proxies"));
                        writer.write(reply(request, Rcode.SERVFAIL));
                    } finally {
                        done.countDown();
                    }
                }, "upstream-deferred-failure");
                t.setDaemon(true);
                t.start();
                return Handler.DEFERRED;
            }
            case DEFER -> {
                Message m = answer.apply(request);
                CountDownLatch g = gate;
                CountDownLatch done = deferredWritten;
                Thread t = new Thread(() -> {
                    try {
                        if (g != null) {
                            g.await(5, TimeUnit.SECONDS);
                        }
                        writer.write(m);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "upstream-deferred");
                t.setDaemon(true);
                t.start();
                return Handler.DEFERRED;
            }
            default -> {
                Message m = answer.apply(request);
                writer.write(m);
                return Rcodes.NOERROR; // written, whatever its rcode
            }
        }
    }

    static Message reply(Request r, int rcode) {
        Message m = new Message(r.id());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(r.message().getQuestion(), Section.QUESTION);
        return m;
    }

    static Message a(Request r, long ttl, String ip) {
        Message m = reply(r, Rcode.NOERROR);
        try {
            m.addRecord(new ARecord(r.qname(), DClass.IN, ttl, InetAddress.getByName(ip)), Section.ANSWER);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        return m;
    }

    static SOARecord soa(long ttl, long minimum) {
        return new SOARecord(Name.fromConstantString("example.org."), DClass.IN, ttl,
                Name.fromConstantString("ns.example.org."), Name.fromConstantString("hostmaster.example.org."),
                2024010101L, 7200, 1800, 86400, minimum);
    }

    /** NXDOMAIN (or NODATA with rcode NOERROR) with an SOA in the authority section. */
    static Message negative(Request r, int rcode, long soaTtl, long soaMinimum) {
        Message m = reply(r, rcode);
        m.addRecord(soa(soaTtl, soaMinimum), Section.AUTHORITY);
        return m;
    }

    static long ttl(Message m, int section) {
        Record[] rrs = m.getSectionArray(section);
        return rrs.length == 0 ? -1 : rrs[0].getTTL();
    }
}
