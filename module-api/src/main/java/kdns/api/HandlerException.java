package kdns.api;

/**
 * A failure while serving a query that should be logged (by the {@code errors} plugin) and
 * answered with {@link #rcode()}. Carries no stack trace: it is part of normal operation.
 */
public class HandlerException extends Exception {

    private final int rcode;

    public HandlerException(int rcode, String message) {
        super(message, null, false, false);
        this.rcode = rcode;
    }

    public HandlerException(int rcode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.rcode = rcode;
    }

    /** The rcode the client gets (normally {@link Rcodes#SERVFAIL}). */
    public int rcode() {
        return rcode;
    }
}
