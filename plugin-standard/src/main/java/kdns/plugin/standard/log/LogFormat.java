package kdns.plugin.standard.log;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.text.Durations;
import kdns.api.text.IpLiterals;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * A query-log format compiled once at setup into literal and placeholder parts (CoreDNS's
 * {@code plugin/pkg/replacer}): formatting a line is a walk over the parts appending to one
 * {@link StringBuilder}, with no parsing, regex or {@code String.format} per query.
 *
 * <p>Parsing follows CoreDNS: find the first {@code }}, then the last {@code {} before it; a known
 * placeholder becomes a part, {@code {/label}} is a metadata placeholder (the request's metadata
 * value, {@code -} when it is not set: without the {@code metadata} plugin in the block, always), and
 * anything else is kept literally.
 */
final class LogFormat {

    /** The empty value CoreDNS prints for what it does not know. */
    static final String EMPTY = "-";

    /** The rcode of "no reply was written" (rcodes are 0-4095). */
    static final int NO_REPLY = -1;

    /** CoreDNS's Common Log Format, also the default. */
    static final String COMMON = "{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} {>do} {>bufsize}\" "
            + "{rcode} {>rflags} {rsize} {duration}";

    /** The Common Log Format plus the query opcode. */
    static final String COMBINED = COMMON + " \"{>opcode}\"";

    /** The placeholders a format may use. */
    enum Label {
        TYPE("{type}"), NAME("{name}"), CLASS("{class}"), PROTO("{proto}"), SIZE("{size}"),
        REMOTE("{remote}"), PORT("{port}"), LOCAL("{local}"),
        ID("{>id}"), OPCODE("{>opcode}"), DO("{>do}"), BUFSIZE("{>bufsize}"),
        RCODE("{rcode}"), RSIZE("{rsize}"), DURATION("{duration}"), RFLAGS("{>rflags}");

        final String text;

        Label(String text) {
            this.text = text;
        }

        static Label of(String text) {
            for (Label l : values()) {
                if (l.text.equals(text)) {
                    return l;
                }
            }
            return null;
        }
    }

    /** One part: a literal (label and metadata null), a placeholder, or a metadata placeholder. */
    private record Part(String literal, Label label, String metadata) {
    }

    private final String text;
    private final Part[] parts;

    private LogFormat(String text, Part[] parts) {
        this.text = text;
        this.parts = parts;
    }

    static LogFormat compile(String format) {
        List<Part> parts = new ArrayList<>();
        String s = format;
        while (true) {
            int j = s.indexOf('}');
            if (j < 0) {
                break;
            }
            int i = s.lastIndexOf('{', j);
            if (i < 0) {
                literal(parts, s.substring(0, j + 1));
                s = s.substring(j + 1);
                continue;
            }
            String val = s.substring(i, j + 1);
            Label label = Label.of(val);
            if (label != null) {
                literal(parts, s.substring(0, i));
                parts.add(new Part(null, label, null));
            } else if (val.startsWith("{/")) {
                literal(parts, s.substring(0, i));
                parts.add(new Part(null, null, val.substring(2, val.length() - 1)));
            } else {
                literal(parts, s.substring(0, j + 1));
            }
            s = s.substring(j + 1);
        }
        literal(parts, s);
        return new LogFormat(format, parts.toArray(new Part[0]));
    }

    private static void literal(List<Part> parts, String s) {
        if (s.isEmpty()) {
            return;
        }
        int last = parts.size() - 1;
        if (last >= 0 && parts.get(last).literal() != null) {
            parts.set(last, new Part(parts.get(last).literal() + s, null, null));
        } else {
            parts.add(new Part(s, null, null));
        }
    }

    /** The format as written (after {@code {common}}/{@code {combined}} expansion). */
    String text() {
        return text;
    }

    /** The placeholders this format uses, in order (for tests and documentation). */
    List<Label> labels() {
        List<Label> out = new ArrayList<>();
        for (Part p : parts) {
            if (p.label() != null) {
                out.add(p.label());
            }
        }
        return out;
    }

    /**
     * Appends one line.
     *
     * @param reply       the reply written, or null when none was
     * @param replySize   its size in bytes
     * @param nanos       time from the query entering the plugin to the reply
     */
    void appendTo(StringBuilder sb, Request request, InetSocketAddress remote, InetSocketAddress local,
                  Message reply, int replySize, long nanos) {
        if (reply == null) {
            appendTo(sb, request, remote, local, NO_REPLY, 0, replySize, nanos);
        } else {
            appendTo(sb, request, remote, local, reply.getRcode(), flagBits(reply.getHeader()), replySize, nanos);
        }
    }

    /**
     * Appends one line for a reply known by its rcode and header flags (a reply written in wire
     * form: the same line as for the parsed reply).
     *
     * @param rcode       the reply's rcode with the extended bits, or {@link #NO_REPLY}
     * @param flags       the header's 16 flag bits as on the wire (QR the highest)
     * @param replySize   its size in bytes
     * @param nanos       time from the query entering the plugin to the reply
     */
    void appendTo(StringBuilder sb, Request request, InetSocketAddress remote, InetSocketAddress local,
                  int rcode, int flags, int replySize, long nanos) {
        for (Part p : parts) {
            if (p.literal() != null) {
                sb.append(p.literal());
            } else if (p.label() != null) {
                appendLabel(sb, p.label(), request, remote, local, rcode, flags, replySize, nanos);
            } else {
                String v = request.metadata(p.metadata());
                sb.append(v == null ? EMPTY : v); // set but empty prints nothing, as CoreDNS
            }
        }
    }

    private static void appendLabel(StringBuilder sb, Label label, Request request, InetSocketAddress remote,
                                    InetSocketAddress local, int rcode, int flags, int replySize, long nanos) {
        switch (label) {
            case TYPE -> sb.append(Type.string(request.qtype()));
            case NAME -> sb.append(request.name());
            case CLASS -> sb.append(request.qclass() == 2 ? "CS" : DClass.string(request.qclass()));
            case PROTO -> sb.append(request.proto());
            case SIZE -> sb.append(request.querySize());
            case REMOTE -> appendAddress(sb, remote);
            case PORT -> sb.append(remote == null ? 0 : remote.getPort());
            case LOCAL -> appendAddress(sb, local);
            case ID -> sb.append(request.id());
            case OPCODE -> sb.append(request.opcode());
            case DO -> sb.append(request.dnssecOk());
            case BUFSIZE -> sb.append(request.size());
            case RCODE -> {
                if (rcode == NO_REPLY) {
                    sb.append(EMPTY);
                } else {
                    appendRcode(sb, rcode);
                }
            }
            case RSIZE -> sb.append(replySize);
            case DURATION -> Durations.appendSeconds(sb, nanos);
            case RFLAGS -> {
                if (rcode == NO_REPLY) {
                    sb.append(EMPTY);
                } else {
                    appendFlags(sb, flags);
                }
            }
        }
    }

    private static void appendAddress(StringBuilder sb, InetSocketAddress a) {
        if (a == null) {
            sb.append(EMPTY);
        } else if (a.getAddress() == null) {
            sb.append(a.getHostString());
        } else if (a.getAddress() instanceof Inet6Address) {
            IpLiterals.appendTo(sb.append('['), a.getAddress()).append(']');
        } else {
            IpLiterals.appendTo(sb, a.getAddress());
        }
    }

    private static void appendRcode(StringBuilder sb, int rcode) {
        sb.append(Rcodes.name(rcode));
    }

    private static final int[] FLAG_BITS = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, 9, Flags.AD, Flags.CD};
    private static final String[] FLAG_NAMES = {"qr", "aa", "tc", "rd", "ra", "z", "ad", "cd"};

    /** The printed flags of {@code h} as the header's 16 bits on the wire (dnsjava flag n is bit 15 - n). */
    static int flagBits(Header h) {
        int bits = 0;
        for (int flag : FLAG_BITS) {
            if (h.getFlag(flag)) {
                bits |= 1 << (15 - flag);
            }
        }
        return bits;
    }

    private static void appendFlags(StringBuilder sb, int flags) {
        boolean first = true;
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & (1 << (15 - FLAG_BITS[i]))) != 0) {
                if (!first) {
                    sb.append(',');
                }
                sb.append(FLAG_NAMES[i]);
                first = false;
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
