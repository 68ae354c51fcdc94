package kdns.plugin.standard.tls;

/** CoreDNS's {@code client_auth} modes (Go's {@code tls.ClientAuthType}). */
enum ClientAuth {
    /** No client certificate is asked for. */
    NOCERT("nocert", false, false, false),
    /** Asked for, not required, not verified. */
    REQUEST("request", true, false, false),
    /** Required, not verified. */
    REQUIRE("require", true, true, false),
    /** Asked for, verified when given. */
    VERIFY_IF_GIVEN("verify_if_given", true, false, true),
    /** Required and verified. */
    REQUIRE_AND_VERIFY("require_and_verify", true, true, true);

    private final String keyword;
    private final boolean asks;
    private final boolean requires;
    private final boolean verifies;

    ClientAuth(String keyword, boolean asks, boolean requires, boolean verifies) {
        this.keyword = keyword;
        this.asks = asks;
        this.requires = requires;
        this.verifies = verifies;
    }

    /** The mode a Corefile names, or null. */
    static ClientAuth of(String keyword) {
        for (ClientAuth a : values()) {
            if (a.keyword.equals(keyword)) {
                return a;
            }
        }
        return null;
    }

    boolean asks() {
        return asks;
    }

    boolean requires() {
        return requires;
    }

    /** Whether a client certificate is checked against the CA (the system's without one). */
    boolean verifies() {
        return verifies;
    }
}
