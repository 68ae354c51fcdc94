package kdns.plugin.standard.log;

import java.util.Locale;
import kdns.api.ResponseType;

/** The classes a {@code log { class ... }} block selects (CoreDNS's {@code response.Class}). */
enum ResponseClass {
    /** Every reply. */
    ALL,
    /** NOERROR with data, and delegations. */
    SUCCESS,
    /** NXDOMAIN and NODATA. */
    DENIAL,
    /** Everything else: SERVFAIL, NOTIMP, REFUSED, no reply, expired signatures, updates, ... */
    ERROR;

    /** The class named {@code s} ({@code all success denial error}), or null. */
    static ResponseClass fromString(String s) {
        return switch (s) {
            case "all" -> ALL;
            case "success" -> SUCCESS;
            case "denial" -> DENIAL;
            case "error" -> ERROR;
            default -> null;
        };
    }

    static ResponseClass of(ResponseType t) {
        return switch (t) {
            case NOERROR, DELEGATION -> SUCCESS;
            case NXDOMAIN, NODATA -> DENIAL;
            default -> ERROR;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
