package kdns.api;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Rcode;

/** The rcodes of the handler protocol and what they mean for who writes the reply. */
public final class Rcodes {

    public static final int NOERROR = Rcode.NOERROR;
    public static final int FORMERR = Rcode.FORMERR;
    public static final int SERVFAIL = Rcode.SERVFAIL;
    public static final int NXDOMAIN = Rcode.NXDOMAIN;
    public static final int NOTIMP = Rcode.NOTIMP;
    public static final int REFUSED = Rcode.REFUSED;

    /** miekg/dns's {@code RcodeToString}, the names CoreDNS prints (16 is BADSIG, not BADVERS). */
    private static final String[] MNEMONICS = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
        "NOTAUTH", "NOTZONE", "DSOTYPENI", null, null, null, null, "BADSIG", "BADKEY", "BADTIME", "BADMODE",
        "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
    };

    /** miekg/dns's {@code StringToRcode}: the mnemonics plus the aliases NOTIMPL and BADVERS. */
    private static final Map<String, Integer> CODES;

    static {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < MNEMONICS.length; i++) {
            if (MNEMONICS[i] != null) {
                m.put(MNEMONICS[i], i);
            }
        }
        m.put("NOTIMPL", NOTIMP);
        m.put("BADVERS", 16);
        CODES = Map.copyOf(m);
    }

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

    /** The rcode's mnemonic ({@code NOERROR}, {@code NXDOMAIN}, ...), or null for a code without one. */
    public static String mnemonic(int rcode) {
        return rcode >= 0 && rcode < MNEMONICS.length ? MNEMONICS[rcode] : null;
    }

    /**
     * The rcode as CoreDNS's log and forward metrics print it: the mnemonic, else the number
     * ({@code dns.RcodeToString[rc]} falling back to {@code strconv.Itoa}).
     */
    public static String name(int rcode) {
        String m = mnemonic(rcode);
        return m != null ? m : Integer.toString(rcode);
    }

    /** The code of a mnemonic or alias, in any case (miekg/dns's {@code StringToRcode}), or -1. */
    public static int code(String mnemonic) {
        Integer c = CODES.get(mnemonic.toUpperCase(Locale.ROOT));
        return c == null ? -1 : c;
    }
}
