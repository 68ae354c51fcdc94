package kdns.host.server;

/** Sends one reply's wire bytes back to the client on the transport the query came in on. */
@FunctionalInterface
public interface ReplySink {

    /** Sends the reply; must be safe to call from any thread. */
    void send(byte[] wire, int length);
}
