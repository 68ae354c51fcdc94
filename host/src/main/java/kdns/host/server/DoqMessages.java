package kdns.host.server;

import java.io.IOException;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * The DNS over QUIC (RFC 9250) rules CoreDNS's {@code server_quic.go} applies to a query stream:
 * the 2-octet length prefix (a length of 0 is an unsupported draft version), miekg/dns's request
 * policy, and the protocol errors of RFC 9250 section 4.3.3 it checks (a message ID other than 0,
 * an {@code edns-tcp-keepalive} option). Whatever breaks them closes the whole connection with
 * {@code DOQ_PROTOCOL_ERROR}.
 */
final class DoqMessages {

    /** RFC 9250's application error codes, as CoreDNS's {@code DoQCode*} constants. */
    static final int NO_ERROR = 0x0;
    static final int INTERNAL_ERROR = 0x1;
    static final int PROTOCOL_ERROR = 0x2;

    /** RFC 7828's {@code edns-tcp-keepalive}, forbidden over QUIC. */
    private static final int TCP_KEEPALIVE = EDNSOption.Code.TCP_KEEPALIVE;

    private DoqMessages() {
    }

    /** A query stream that breaks the rules: the connection is closed with {@link #PROTOCOL_ERROR}. */
    static final class ProtocolError extends Exception {
        ProtocolError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The length a stream announces in its first two octets.
     *
     * @throws ProtocolError for 0, which only drafts before RFC 9250 (no prefix) could produce
     */
    static int announcedLength(int high, int low) throws ProtocolError {
        int length = ((high & 0xff) << 8) | (low & 0xff);
        if (length == 0) {
            throw new ProtocolError("message size is 0: probably unsupported DoQ version");
        }
        return length;
    }

    /**
     * Checks a whole query as CoreDNS does before it runs the chain.
     *
     * @throws ProtocolError when miekg/dns's request policy refuses it, it does not parse, its ID is
     *                       not 0 or it carries an {@code edns-tcp-keepalive} option
     */
    static void accept(byte[] wire) throws ProtocolError {
        try {
            DohMessages.accept(wire);
        } catch (DohMessages.Invalid e) {
            throw new ProtocolError(e.getMessage());
        }
        if (wire[0] != 0 || wire[1] != 0) {
            throw new ProtocolError("message ID is not 0");
        }
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            throw new ProtocolError("dns: " + e.getMessage()); // checked by accept already
        }
        OPTRecord opt = query.getOPT();
        if (opt != null && !opt.getOptions(TCP_KEEPALIVE).isEmpty()) {
            throw new ProtocolError("client sent EDNS0 TCP keepalive option");
        }
    }

    /** {@code reply} behind its 2-octet length, as every DoQ message is sent. */
    static byte[] prefixed(byte[] reply, int length) {
        byte[] out = new byte[2 + length];
        out[0] = (byte) (length >>> 8);
        out[1] = (byte) length;
        System.arraycopy(reply, 0, out, 2, length);
        return out;
    }
}
