package kdns.plugin.standard.prometheus;

/**
 * Rcodes as CoreDNS's {@code rcode.ToString} prints them: miekg/dns's names
 * ({@code RcodeToString}), else {@code RCODE<n>}.
 */
final class RcodeNames {

    private static final String[] NAMES = new String[24];

    static {
        String[] known = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
            "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI"};
        for (int i = 0; i < NAMES.length; i++) {
            NAMES[i] = i < known.length ? known[i] : "RCODE" + i;
        }
        NAMES[16] = "BADSIG";
        NAMES[17] = "BADKEY";
        NAMES[18] = "BADTIME";
        NAMES[19] = "BADMODE";
        NAMES[20] = "BADNAME";
        NAMES[21] = "BADALG";
        NAMES[22] = "BADTRUNC";
        NAMES[23] = "BADCOOKIE";
    }

    /** How many rcodes have a precomputed name (0 to this, exclusive). */
    static final int CACHED = NAMES.length;

    private RcodeNames() {
    }

    static String name(int rcode) {
        return rcode >= 0 && rcode < NAMES.length ? NAMES[rcode] : "RCODE" + rcode;
    }
}
