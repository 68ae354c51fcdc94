package kdns.plugin.forward.proxy;

import java.util.Locale;
import java.util.Map;

/** Rcode mnemonics as miekg/dns spells them ({@code RcodeToString}, {@code StringToRcode}). */
public final class RcodeNames {

    private static final String[] NAMES = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
        "NOTAUTH", "NOTZONE", null, null, null, null, null, "BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME",
        "BADALG", "BADTRUNC", "BADCOOKIE",
    };

    private static final Map<String, Integer> CODES;

    static {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] != null) {
                m.put(NAMES[i], i);
            }
        }
        m.put("NOTIMPL", 4);
        m.put("BADVERS", 16);
        CODES = Map.copyOf(m);
    }

    private RcodeNames() {
    }

    /** {@code NOERROR}, {@code NXDOMAIN}, ...; the number for codes without a name. */
    public static String name(int rcode) {
        if (rcode >= 0 && rcode < NAMES.length && NAMES[rcode] != null) {
            return NAMES[rcode];
        }
        return Integer.toString(rcode);
    }

    /** The code of a mnemonic (case-insensitive), or -1. */
    public static int code(String name) {
        Integer c = CODES.get(name.toUpperCase(Locale.ROOT));
        return c == null ? -1 : c;
    }
}
