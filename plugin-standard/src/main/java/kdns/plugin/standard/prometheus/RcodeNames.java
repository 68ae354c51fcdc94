package kdns.plugin.standard.prometheus;

import kdns.api.Rcodes;

/**
 * Rcodes as CoreDNS's {@code rcode.ToString} prints them: miekg/dns's names
 * ({@code RcodeToString}), else {@code RCODE<n>}.
 */
final class RcodeNames {

    private static final String[] NAMES = new String[24];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            String m = Rcodes.mnemonic(i);
            NAMES[i] = m != null ? m : "RCODE" + i;
        }
    }

    /** How many rcodes have a precomputed name (0 to this, exclusive). */
    static final int CACHED = NAMES.length;

    private RcodeNames() {
    }

    static String name(int rcode) {
        return rcode >= 0 && rcode < NAMES.length ? NAMES[rcode] : "RCODE" + rcode;
    }
}
