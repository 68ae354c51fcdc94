package kdns.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * One query as plugins see it: the message plus what plugins ask of it (CoreDNS's
 * {@code request.Request}). For a query the server read from its bytes ({@link #received}) the
 * accessors answer from the bytes and the dnsjava message is parsed when first asked for. Built once by the server per query; the message must not be modified,
 * except through {@link #lowerUdpSize(int)} and {@link #replaceOpt(OPTRecord)}, which also drop the
 * received bytes ({@link #wire()}) that would otherwise be sent on in place of the changed message.
 */
public final class Request {

    /** The UDP payload size assumed for clients without EDNS0 (RFC 1035). */
    public static final int DEFAULT_UDP_SIZE = 512;

    private static final VarHandle PLUGIN;

    static {
        try {
            PLUGIN = MethodHandles.lookup().findVarHandle(Request.class, "plugin", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The message, shared by the copies that say the same query; parsed only when asked for. */
    private final QueryMessage message;
    private final Transport transport;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String serverZone;
    private String view = "";
    private String lowerName;
    private boolean mixedCase;
    /**
     * The plugin last passed the request, null before the chain runs. Written with release and read
     * with acquire ({@link #PLUGIN}): a deferred reply reads it on another thread, but a volatile
     * store costs a full fence on the query path, once per plugin passed and once per copy made.
     */
    private String plugin;
    /** Shared by every copy of this request (the same query), as CoreDNS's context is. */
    private final MetadataValues metadata;
    /** Shared by the copies of this request that share its message, which is what the bytes say. */
    private final ReceivedBytes received;

    /**
     * What every copy of one query shares: its metadata values (the map made on the first one set;
     * most queries have none) and how its replies are signed.
     */
    private static final class MetadataValues {
        volatile Map<String, Supplier<String>> values;
        volatile Signing signing;
        /** The listener's event loop the query arrived on, or null ({@link #eventLoop()}). */
        final Executor eventLoop;

        MetadataValues(Executor eventLoop) {
            this.eventLoop = eventLoop;
        }
    }

    /**
     * How the server signs the replies to a query with TSIG (RFC 8945), as the {@code tsig} plugin
     * asks: with {@code key}, the TSIG error code {@code error} (0, or BADTIME), chained to the
     * query's {@code queryTsig}.
     */
    public record Signing(TSIG key, int error, TSIGRecord queryTsig) {
    }

    /**
     * The query's bytes as received, held while the message still says what they say: dropped for
     * every copy sharing the message as soon as it is changed in place ({@link #lowerUdpSize},
     * {@link #replaceOpt}), so no copy can send stale bytes.
     */
    private static final class ReceivedBytes {
        /** For requests without bytes: never holds any, so it is never written and may be shared. */
        static final ReceivedBytes NONE = new ReceivedBytes(null);

        /**
         * Read with acquire and dropped with release ({@link #BYTES}), not volatile: the store in the
         * constructor, once per query, would cost a full fence, and the request reaches other
         * threads through hand-offs that publish it anyway.
         */
        private byte[] bytes;

        private static final VarHandle BYTES;

        static {
            try {
                BYTES = MethodHandles.lookup().findVarHandle(ReceivedBytes.class, "bytes", byte[].class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        ReceivedBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        byte[] bytes() {
            return (byte[]) BYTES.getAcquire(this);
        }

        void drop() {
            if (bytes() != null) {
                BYTES.setRelease(this, (byte[]) null);
            }
        }
    }

    /**
     * @param message    the query; must have exactly one question
     * @param transport  how it arrived
     * @param remote     the client
     * @param local      the address it arrived on
     * @param serverZone the zone of the server block that routed it ({@code .} for the root)
     */
    public Request(Message message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                   String serverZone) {
        this(message, transport, remote, local, serverZone, new MetadataValues(null), ReceivedBytes.NONE);
    }

    /**
     * A query as the server received it, {@code wire} being the bytes {@code message} was parsed
     * from, exactly the message and nothing after it (see {@link #wire()}); null when the server
     * keeps none. The array is the request's from then on: nobody may change it.
     */
    public Request(Message message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                   String serverZone, byte[] wire) {
        this(message, transport, remote, local, serverZone, wire, null);
    }

    /**
     * A query as the server received it ({@code wire} as above) on a listener that runs an event
     * loop: {@code eventLoop} is that loop, the thread the chain runs on, given to plugins by
     * {@link #eventLoop()}; null for none.
     */
    public Request(Message message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                   String serverZone, byte[] wire, Executor eventLoop) {
        this(message, transport, remote, local, serverZone, new MetadataValues(eventLoop),
                wire == null ? ReceivedBytes.NONE : new ReceivedBytes(wire));
    }

    private Request(Message message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                    String serverZone, MetadataValues metadata, ReceivedBytes received) {
        this(new QueryMessage(message), transport, remote, local, serverZone, metadata, received);
    }

    private Request(QueryMessage message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                    String serverZone, MetadataValues metadata, ReceivedBytes received) {
        this.metadata = metadata;
        this.received = received;
        this.message = message;
        if (!message.hasQuestion()) {
            throw new IllegalArgumentException("a request needs a question");
        }
        this.transport = transport;
        this.remote = remote;
        this.local = local;
        this.serverZone = serverZone;
    }

    /**
     * A query as the server received it in {@code wire} (exactly the message, nothing after it),
     * without parsing it into a {@link Message} when it is in the plain form most queries have:
     * one question spelled out, no answer or authority records, nothing or a single OPT record
     * without options in the additional section. The header, question and OPT fields are then read
     * from the bytes and {@link #message()} parses the message the first time it is asked for.
     * Null for any other query, which the caller parses as before (and answers FORMERR when that
     * fails), so no query gets another answer than dnsjava's parse would give it. The array is the
     * request's from then on ({@link #wire()}): nobody may change it.
     */
    public static Request received(byte[] wire, Transport transport, InetSocketAddress remote,
                                   InetSocketAddress local, String serverZone) {
        return received(wire, transport, remote, local, serverZone, null);
    }

    /**
     * As {@link #received(byte[], Transport, InetSocketAddress, InetSocketAddress, String)}, for a
     * query read on a listener's event loop: {@code eventLoop} is that loop ({@link #eventLoop()}),
     * null for none.
     */
    public static Request received(byte[] wire, Transport transport, InetSocketAddress remote,
                                   InetSocketAddress local, String serverZone, Executor eventLoop) {
        QueryMessage m = QueryMessage.read(wire);
        return m == null ? null : new Request(m, transport, remote, local, serverZone,
                new MetadataValues(eventLoop), new ReceivedBytes(wire));
    }

    /**
     * Records that the request is being passed to {@code name} ({@link Handlers#nextOrFailure} and
     * the server call it). What is recorded when the reply is written names the plugin that wrote
     * it, as the {@code plugin} label of {@code coredns_dns_responses_total} needs.
     */
    public void passedTo(String name) {
        PLUGIN.setRelease(this, name);
    }

    /** The plugin the request was last passed to; empty before the chain runs. */
    public String currentPlugin() {
        String p = (String) PLUGIN.getAcquire(this);
        return p == null ? "" : p;
    }

    /**
     * This request as the block of {@code zone} serves it: the same query, with the lower-case name
     * already worked out kept (the server works it out once to route the query).
     */
    public Request inServerZone(String zone) {
        return inServerZone(zone, "");
    }

    /** As {@link #inServerZone(String)}, in a block that is the view {@code view} ({@link #view()}). */
    public Request inServerZone(String zone, String view) {
        Request r = new Request(message, transport, remote, local, zone, metadata, received);
        r.lowerName = lowerName;
        r.mixedCase = mixedCase;
        r.view = view;
        return r;
    }

    /**
     * The name of the view whose block serves this request, or empty when the block has no view:
     * the {@code view} label of CoreDNS's metrics.
     */
    public String view() {
        return view;
    }

    /**
     * A copy of this request carrying {@code changed} instead of its message (a plugin that rewrites
     * the query, such as {@code rewrite} or {@code header}, passes this on): the same client, server
     * zone and metadata, without the received bytes ({@link #wire()}), which no longer say the message.
     */
    public Request withMessage(Message changed) {
        Request r = new Request(changed, transport, remote, local, serverZone, metadata, ReceivedBytes.NONE);
        r.view = view;
        return r;
    }

    /**
     * True when the client spelled the question with upper-case letters (0x20): worked out with
     * {@link #name()}, at no extra cost.
     */
    public boolean mixedCase() {
        name();
        return mixedCase;
    }

    /** A copy of this request asking another question (for lookups through the same chain). */
    public Request withQuestion(Name name, int type) {
        Message copy = message.message().clone();
        copy.removeAllRecords(Section.QUESTION);
        copy.addRecord(Record.newRecord(name, type, qclass()), Section.QUESTION);
        return withMessage(copy);
    }

    /**
     * Sets the metadata {@code label} ({@code plugin/name}, e.g. {@code kubernetes/client-namespace})
     * to a value worked out only when asked for (CoreDNS's {@code metadata.SetValueFunc}). The
     * {@code metadata} plugin has the providers of its block call this before the query is routed
     * through the block's view and chain; every copy of the request sees it.
     */
    public void setMetadata(String label, Supplier<String> value) {
        Map<String, Supplier<String>> m = metadata.values;
        if (m == null) {
            synchronized (metadata) {
                m = metadata.values;
                if (m == null) {
                    m = new ConcurrentHashMap<>();
                    metadata.values = m;
                }
            }
        }
        m.put(label, value);
    }

    /**
     * The query's bytes as the server received them, while {@link #message()} is still what they
     * say: for checking a signature over them (the {@code tsig} plugin) and for sending the query on
     * as the client sent it instead of rendering the message again (the {@code forward} plugin,
     * which puts its own ID in a copy). Null for requests built without bytes, for requests plugins
     * made ({@link #withMessage}, {@link #withQuestion}: a rewritten message no longer matches), and
     * once {@link #lowerUdpSize} or {@link #replaceOpt} changed the message, for every copy sharing
     * it. The array is shared: never change it, copy it.
     */
    public byte[] wire() {
        return received.bytes();
    }

    /**
     * Has the server sign every reply to this query (every copy of it) with TSIG: the reply is
     * completed, then signed as its last step, so nothing changes it after the signature.
     */
    public void signReplies(Signing signing) {
        metadata.signing = signing;
    }

    /** How replies to this query are signed, or null when they are not. */
    public Signing replySigning() {
        return metadata.signing;
    }

    /** The value of metadata {@code label}, or null when no provider set it (or no metadata plugin ran). */
    public String metadata(String label) {
        Map<String, Supplier<String>> m = metadata.values;
        Supplier<String> f = m == null ? null : m.get(label);
        return f == null ? null : f.get();
    }

    /** The labels set so far, for plugins that list all of them (e.g. {@code log}'s {@code {/label}}). */
    public Set<String> metadataLabels() {
        Map<String, Supplier<String>> m = metadata.values;
        return m == null ? Set.of() : Set.copyOf(m.keySet());
    }

    /**
     * The query message. Do not modify it. For a query the server read without parsing
     * ({@link #received}) the message is parsed on the first call; the accessors of this class
     * ({@link #id()}, {@link #flag(int)}, {@link #question()}, {@link #opt()}, ...) answer without it,
     * so plugins that need nothing else should use them.
     */
    public Message message() {
        return message.message();
    }

    /** The question record as the client wrote it (the message's, the same object). */
    public Record question() {
        return message.question();
    }

    /** The question name as the client wrote it (case preserved). */
    public Name qname() {
        return message.question().getName();
    }

    /** The question name in lower case, fully qualified: {@code www.example.org.}. */
    public String name() {
        String n = lowerName;
        if (n == null) {
            n = lowerFromWire(received.bytes());
            if (n == null) {
                String spelled = qname().toString();
                n = spelled.toLowerCase(Locale.ROOT); // the same instance when there is nothing to lower
                mixedCase = !n.equals(spelled);
            }
            lowerName = n;
        }
        return n;
    }

    /** Where the question's name starts in a message's bytes: right after the header. */
    private static final int QUESTION_NAME = 12;

    /** The longest text {@link #lowerFromWire} makes: a 255-octet name less its root octet. */
    private static final int NAME_TEXT = 254;

    /**
     * The lower-case text is put together in this buffer by platform threads (the UDP readers, which
     * answer query after query) and then copied into the string, so a query allocates the string
     * alone; a virtual thread (one a query or connection) makes an array of the text's length.
     */
    private static final ThreadLocal<byte[]> NAME_SCRATCH = ThreadLocal.withInitial(() -> new byte[NAME_TEXT]);

    /**
     * The question's name in lower case read from the received bytes, setting {@link #mixedCase}:
     * the string alone (platform threads) or one array and the string, where dnsjava's text form
     * makes a builder, grows it, makes a string and then its lower-cased copy (about 600 bytes a
     * query, the largest single part of what the query path allocates besides rendering). Only for
     * the names whose text is their label bytes joined by dots: every byte a letter, digit, '-' or
     * '_' (dnsjava escapes others) and not the root; null otherwise, and the caller asks dnsjava.
     * The name read must also be as long as the parsed question's, so bytes that say anything else
     * are never used; a question read from these very bytes is their name (no record made for it).
     */
    private String lowerFromWire(byte[] wire) {
        if (wire == null) {
            return null;
        }
        int pos = QUESTION_NAME;
        int chars = 0;
        int labels = 0;
        boolean upper = false;
        while (true) {
            if (pos >= wire.length) {
                return null;
            }
            int len = wire[pos] & 0xff;
            if (len == 0) {
                break;
            }
            if (len > 63 || pos + 1 + len > wire.length) {
                return null; // a compression pointer or bytes that end early: dnsjava's reading counts
            }
            for (int i = pos + 1; i <= pos + len; i++) {
                int c = wire[i];
                if (c >= 'A' && c <= 'Z') {
                    upper = true;
                } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return null;
                }
            }
            chars += len + 1;
            labels++;
            pos += 1 + len;
        }
        if (labels == 0) {
            return null;
        }
        if (!message.readFrom(wire)) {
            Name parsed = qname();
            if (chars + 1 != parsed.length() || labels + 1 != parsed.labels()) {
                return null;
            }
        }
        byte[] text = Thread.currentThread().isVirtual() ? new byte[chars] : NAME_SCRATCH.get();
        int out = 0;
        for (pos = QUESTION_NAME; wire[pos] != 0; ) {
            int len = wire[pos++];
            for (int end = pos + len; pos < end; pos++) {
                int c = wire[pos];
                text[out++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            }
            text[out++] = '.';
        }
        mixedCase = upper;
        return new String(text, 0, chars, StandardCharsets.ISO_8859_1);
    }

    /** The question type ({@link org.xbill.DNS.Type}). */
    public int qtype() {
        return message.qtype();
    }

    /** The question class ({@link org.xbill.DNS.DClass}). */
    public int qclass() {
        return message.qclass();
    }

    /** The message ID. */
    public int id() {
        return message.id();
    }

    /** The query's opcode ({@link org.xbill.DNS.Opcode}). */
    public int opcode() {
        return message.opcode();
    }

    /** A flag bit of the query's header ({@link Flags} number), as {@link org.xbill.DNS.Header#getFlag}. */
    public boolean flag(int flag) {
        return message.flag(flag);
    }

    /**
     * The query's size in octets: as received, or as rendered for a message a plugin built
     * (CoreDNS's {@code Req.Len()}, the {@code request_size_bytes} metric and the log's size).
     */
    public int querySize() {
        return message.size();
    }

    /**
     * The event loop of the listener this query arrived on, or null when its listener has none
     * (the JDK's UDP listener, TCP, DNS over TLS, HTTPS, gRPC, QUIC, a request a plugin made). It is
     * the thread running the chain for this query, single-threaded, and on Linux with Netty's epoll
     * UDP listener an {@code io.netty.channel.EventLoop} on which a plugin may register epoll
     * channels of its own: their I/O and their callbacks then run on the thread that reads the
     * queries, with no hand-off between threads (forward's UDP upstream sockets do this). A task
     * given to it must not block. Every copy of the request ({@link #inServerZone},
     * {@link #withMessage}) returns the same loop. Plugins that do not use it are unaffected.
     */
    public Executor eventLoop() {
        return metadata.eventLoop;
    }

    public Transport transport() {
        return transport;
    }

    /** {@code udp} or {@code tcp}. */
    public String proto() {
        return transport.proto();
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /** The client's IP as text, without brackets. */
    public String ip() {
        InetAddress a = remote.getAddress();
        return a == null ? remote.getHostString() : a.getHostAddress();
    }

    /** 1 for IPv4 clients, 2 for IPv6 (CoreDNS's {@code Family()}). */
    public int family() {
        return remote.getAddress() instanceof Inet6Address ? 2 : 1;
    }

    /** The zone of the server block that routed this query, e.g. {@code .} or {@code example.org.}. */
    public String serverZone() {
        return serverZone;
    }

    /** The client's OPT record, or null without EDNS0. */
    public OPTRecord opt() {
        return message.opt();
    }

    /**
     * Lowers the UDP payload size the client advertised in its OPT record to {@code size} when it
     * advertised more (CoreDNS's {@code bufsize} plugin, which changes the query in place). From
     * then on everything sees the lower size: {@link #opt()} and {@link #size()}, the message a
     * plugin such as {@code forward} sends upstream (rendered again: the received bytes,
     * {@link #wire()}, are dropped), and the server's writer, which mirrors it in
     * the reply's OPT record and truncates the reply to it. The request and the server's writer
     * share the message, so a plugin calls this on the request it was given, before passing it on
     * and before any other thread sees it. A query without OPT, or advertising {@code size} or
     * less, is left alone.
     *
     * @return true when the size was lowered
     */
    public boolean lowerUdpSize(int size) {
        Message message = this.message.message();
        OPTRecord opt = message.getOPT();
        if (opt == null || opt.getPayloadSize() <= size) {
            return false;
        }
        OPTRecord lowered = new OPTRecord(size, opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(),
                opt.getOptions());
        received.drop();
        message.removeRecord(opt, Section.ADDITIONAL);
        message.addRecord(lowered, Section.ADDITIONAL);
        return true;
    }

    /**
     * Puts {@code opt} in place of the query's OPT record, in the message itself (CoreDNS's
     * {@code rewrite edns0} rules change the query in place): where the old one was, or, for a
     * query without one, at the end of the additional section (before a TSIG or SIG(0) record);
     * null removes the query's OPT record. As with {@link #lowerUdpSize(int)}, everything that
     * shares the message sees the change: {@link #opt()}, {@link #size()} and {@link #dnssecOk()},
     * the copies made from it afterwards ({@link #withQuestion}, a plugin's {@code clone()}), the
     * message a plugin such as {@code forward} sends upstream (rendered again: the received bytes,
     * {@link #wire()}, are dropped, even when the OPT record is put back), and the server's writer, which
     * takes the reply's OPT record (buffer size, DO bit, echoed options) and the truncation size
     * from it when the reply is written. A plugin calls this on the request it was given, before
     * any other thread sees it, or around its own write of the reply (to show the server's writer
     * another OPT record for that reply only, then put the previous one back).
     *
     * @param opt the new OPT record, or null for none
     * @return the OPT record it replaced, or null when the query had none
     */
    public OPTRecord replaceOpt(OPTRecord opt) {
        Message message = this.message.message();
        List<Record> extra = message.getSection(Section.ADDITIONAL);
        int at = -1;
        for (int i = 0; i < extra.size(); i++) {
            if (extra.get(i) instanceof OPTRecord) {
                at = i;
                break;
            }
        }
        OPTRecord old = at < 0 ? null : (OPTRecord) extra.get(at);
        if (old == opt || (at < 0 && opt == null)) {
            return old;
        }
        received.drop();
        List<Record> out = new ArrayList<>(extra);
        if (at >= 0 && opt == null) {
            out.remove(at);
        } else if (at >= 0) {
            out.set(at, opt);
        } else {
            int end = out.size();
            while (end > 0 && (out.get(end - 1).getType() == Type.TSIG
                    || out.get(end - 1).getType() == Type.SIG)) {
                end--;
            }
            out.add(end, opt);
        }
        message.removeAllRecords(Section.ADDITIONAL);
        for (Record r : out) {
            message.addRecord(r, Section.ADDITIONAL);
        }
        return old;
    }

    /** True when the client set the DNSSEC OK bit. */
    public boolean dnssecOk() {
        OPTRecord opt = message.opt();
        return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
    }

    /** True when the client set the Checking Disabled bit. */
    public boolean checkingDisabled() {
        return message.flag(Flags.CD);
    }

    /**
     * The largest reply the client accepts: 65535 on stream transports, else the EDNS0 buffer size
     * (at least 512), else 512.
     */
    public int size() {
        if (transport.stream()) {
            return 65535;
        }
        OPTRecord opt = message.opt();
        if (opt == null) {
            return DEFAULT_UDP_SIZE;
        }
        return Math.max(DEFAULT_UDP_SIZE, opt.getPayloadSize());
    }

    @Override
    public String toString() {
        return name() + " " + Type.string(qtype()) + " from " + ip() + " (" + proto() + ")";
    }
}
