package kdns.api.lookup;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Instance;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * CoreDNS's upstream lookup ({@code plugin/pkg/upstream}) for names outside a plugin's zones: the
 * names are served through the whole server ({@link Instance#serve}: the block with the longest
 * zone for the name on the same port, then its whole chain) and the answer sections are appended to
 * a reply prepared by the plugin, which is then written once. Used by the kubernetes plugin for
 * ExternalName targets, by k8s_external for load-balancer host names and by template for the
 * targets of the CNAMEs it answers.
 *
 * <p>Lookups run one after the other; a chain that answers later ({@link Handler#DEFERRED}, e.g.
 * forward) continues the sequence from the thread that answers, so no reader thread ever waits.
 * A lookup that fails (no write, or an exception) adds nothing. Lookups nested on one thread are
 * bounded by {@link #MAX_REENTRIES} as CoreDNS bounds re-entries; the innermost gets SERVFAIL.
 * Thread-safe.
 */
public final class UpstreamLookup {

    /** Lookups through the server nested on one thread before the innermost gets SERVFAIL (CoreDNS's maxreentries). */
    public static final int MAX_REENTRIES = 10;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** One name to look up and the section of the prepared reply its answer records go to. */
    public record Lookup(Name name, int qtype, int section) {
    }

    private final Instance instance;
    private final Log log;
    /** Names whose too deep lookups were logged (once each). */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param plugin   the plugin name for log lines
     * @param instance the running instance whose {@link Instance#serve} answers the lookups
     */
    public UpstreamLookup(String plugin, Instance instance) {
        this.instance = instance;
        this.log = Log.forPlugin(plugin);
    }

    /**
     * Looks up {@code lookups} in order, appends each answer section to its section of
     * {@code partial} (a truncated answer sets TC), then writes {@code partial} to {@code out}.
     *
     * @param request the client's request (the lookups keep its transport and addresses)
     * @return {@link Rcodes#NOERROR} when the reply was written, {@link Handler#DEFERRED} when it
     *         will be written later from another thread
     */
    public int complete(Request request, Message partial, List<Lookup> lookups, ResponseWriter out) {
        return run(request, partial, List.copyOf(lookups), 0, out);
    }

    private int run(Request request, Message partial, List<Lookup> lookups, int from, ResponseWriter out) {
        for (int i = from; i < lookups.size(); i++) {
            Lookup l = lookups.get(i);
            int next = i + 1;
            ReplyCapture step = new ReplyCapture(out, e -> { }, reply -> {
                append(partial, reply, l.section());
                run(request, partial, lookups, next, out);
            });
            int rc = serve(request.withQuestion(l.name(), l.qtype()), step);
            Message answer = step.settle(rc == Handler.DEFERRED);
            if (answer == ReplyCapture.PENDING) {
                return Handler.DEFERRED;
            }
            append(partial, answer, l.section());
        }
        out.write(partial);
        return Rcodes.NOERROR;
    }

    private static void append(Message partial, Message answer, int section) {
        if (answer == null) {
            return;
        }
        for (Record r : answer.getSection(Section.ANSWER)) {
            partial.addRecord(r, section);
        }
        if (answer.getHeader().getFlag(Flags.TC)) {
            partial.getHeader().setFlag(Flags.TC);
        }
    }

    /**
     * One lookup through the server for a plugin that goes on with the whole reply itself: the
     * reply now (null when nothing was written), or {@link ReplyCapture#PENDING} when it comes
     * later, to {@code later}, on the thread that answers. Errors of a late reply go to {@code client}.
     */
    public Message lookup(Request lookup, ResponseWriter client, Consumer<Message> later) {
        ReplyCapture step = new ReplyCapture(client, client::reportError, later);
        return step.settle(serve(lookup, step) == Handler.DEFERRED);
    }

    /**
     * Serves one lookup through the server, counted against {@link #MAX_REENTRIES} (the innermost
     * too deep gets SERVFAIL), for plugins that need the reply's rcode and not only its answers.
     *
     * @return the handler protocol's rcode ({@link Handler#DEFERRED} when {@code w} is written later)
     */
    public int serve(Request lookup, ResponseWriter w) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_REENTRIES) {
            if (warned.size() < 1000 && warned.add(lookup.name())) {
                log.warning("lookup of " + lookup.name() + " is nested " + MAX_REENTRIES
                        + " lookups through the server deep (CNAME targets in a loop?): it gets SERVFAIL");
            }
            return Rcodes.SERVFAIL;
        }
        depth[0]++;
        try {
            return instance.serve(lookup, w);
        } catch (HandlerException e) {
            return e.rcode();
        } catch (RuntimeException e) {
            log.error("looking up " + lookup.name() + " through the server: " + e);
            return Rcodes.SERVFAIL;
        } finally {
            depth[0]--;
        }
    }
}
