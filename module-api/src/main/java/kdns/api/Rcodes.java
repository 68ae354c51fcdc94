package kdns.api;

import org.xbill.DNS.Rcode;

/** The rcodes of the handler protocol and what they mean for who writes the reply. */
public final class Rcodes {

    public static final int NOERROR = Rcode.NOERROR;
    public static final int FORMERR = Rcode.FORMERR;
    public static final int SERVFAIL = Rcode.SERVFAIL;
    public static final int NXDOMAIN = Rcode.NXDOMAIN;
    public static final int NOTIMP = Rcode.NOTIMP;
    public static final int REFUSED = Rcode.REFUSED;

    private Rcodes() {
    }

    /**
     * True when a handler returning {@code rcode} has written (or will write) the reply itself
     * (CoreDNS's {@code plugin.ClientWrite}); false when the server must write an error reply.
     */
    public static boolean clientWrote(int rcode) {
        return switch (rcode) {
            case SERVFAIL, REFUSED, FORMERR, NOTIMP -> false;
            default -> true;
        };
    }

    /** The rcode's mnemonic as CoreDNS prints it ({@code NOERROR}, {@code NXDOMAIN}, ...). */
    public static String name(int rcode) {
        return Rcode.string(rcode);
    }
}
