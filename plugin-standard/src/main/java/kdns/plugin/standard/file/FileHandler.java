package kdns.plugin.standard.file;

import java.util.List;
import java.util.Locale;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.api.lookup.ReplyCapture;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * CoreDNS's file {@code ServeDNS}: authoritative answers from the zones of one block. Names outside
 * them go to the next plugin (REFUSED when there is none); AXFR/IXFR are for the transfer plugin
 * ({@link Transferer}). A CNAME target outside the zone is looked up through the server without a
 * reader thread waiting for it.
 */
final class FileHandler implements Handler, Transferer {

    private final Handler next;
    private final List<FileZone> zones;
    private final List<String> zoneNames;
    private final Fallthrough fallthrough;
    private final UpstreamLookup upstream;

    FileHandler(Handler next, List<FileZone> zones, Fallthrough fallthrough, UpstreamLookup upstream) {
        this.next = next;
        this.zones = List.copyOf(zones);
        this.zoneNames = zones.stream().map(z -> z.origin.toString().toLowerCase(Locale.ROOT)).toList();
        this.fallthrough = fallthrough;
        this.upstream = upstream;
    }

    @Override
    public String name() {
        return "file";
    }

    /** The zones served, for tests that drive a reload. */
    List<FileZone> zonesForTest() {
        return zones;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String zone = ZoneNames.longestMatch(zoneNames, request.name());
        if (zone == null) {
            return next == null ? Rcodes.REFUSED : Handlers.nextOrFailure(name(), next, request, writer);
        }
        if (request.qtype() == Type.AXFR || request.qtype() == Type.IXFR) {
            return Rcodes.REFUSED;
        }
        FileZone z = zones.get(zoneNames.indexOf(zone));
        ZoneData data = z.data();
        Name qname;
        try {
            qname = Name.fromString(request.name());
        } catch (TextParseException e) {
            return Rcodes.SERVFAIL;
        }
        ZoneLookup.Outcome outcome = ZoneLookup.lookup(data, qname, request.qtype());
        if (outcome instanceof ZoneLookup.Answer a) {
            return reply(request, writer, a);
        }
        ZoneLookup.Pending p = (ZoneLookup.Pending) outcome;
        Message found = upstream.lookup(request.withQuestion(p.target(), p.qtype()), writer,
                later -> replyLater(request, writer, ZoneLookup.afterUpstream(data, p, later)));
        if (found == ReplyCapture.PENDING) {
            return DEFERRED;
        }
        return reply(request, writer, ZoneLookup.afterUpstream(data, p, found));
    }

    /** Writes the answer (or hands on, for fallthrough); the handler protocol's rcode. */
    private int reply(Request request, ResponseWriter writer, ZoneLookup.Answer a) throws HandlerException {
        ZoneLookup.Result result = a.result();
        if (a.answer().isEmpty() && (result == ZoneLookup.Result.NAME_ERROR || result == ZoneLookup.Result.SUCCESS)
                && fallthrough.through(request.name())) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        if (result == ZoneLookup.Result.SERVER_FAILURE && a.answer().isEmpty()) {
            return Rcodes.SERVFAIL;
        }
        Message m = Replies.replyTo(request);
        m.getHeader().setFlag(Flags.AA);
        switch (result) {
            case NAME_ERROR -> m.getHeader().setRcode(Rcode.NXDOMAIN);
            case DELEGATION -> {
                if (a.answer().isEmpty()) {
                    m.getHeader().unsetFlag(Flags.AA);
                }
            }
            case SERVER_FAILURE -> m.getHeader().setRcode(Rcode.SERVFAIL);
            default -> {
                // SUCCESS and NO_DATA are NOERROR
            }
        }
        a.answer().forEach(r -> m.addRecord(r, Section.ANSWER));
        a.ns().forEach(r -> m.addRecord(r, Section.AUTHORITY));
        a.extra().forEach(r -> m.addRecord(r, Section.ADDITIONAL));
        writer.write(m);
        return Rcodes.NOERROR;
    }

    /** {@link #reply} from the thread that answered a deferred lookup: nothing may be left unwritten. */
    private void replyLater(Request request, ResponseWriter writer, ZoneLookup.Answer a) {
        int rc;
        try {
            rc = reply(request, writer, a);
        } catch (HandlerException e) {
            writer.reportError(e);
            rc = e.rcode();
        }
        if (rc != DEFERRED && !Rcodes.clientWrote(rc)) {
            writer.write(Replies.errorReply(request, rc));
        }
    }

    @Override
    public List<Record> transfer(String zone, long clientSerial) {
        int i = zoneNames.indexOf(zone);
        if (i < 0) {
            return null;
        }
        ZoneData data = zones.get(i).data();
        if (data == null) {
            return null;
        }
        if (clientSerial >= 0 && clientSerial >= data.soa.getSerial()) {
            return List.of(data.soa);
        }
        return data.all();
    }
}
