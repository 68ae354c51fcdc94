package kdns.host.server;

/** Sends one reply's wire bytes back to the client on the transport the query came in on. */
@FunctionalInterface
public interface ReplySink {

    /** Sends the reply; must be safe to call from any thread. */
    void send(byte[] wire, int length);

    /**
     * Told when the chain returned without writing a reply and none will follow (a plugin that drops
     * the query, such as {@code acl}'s {@code drop}). Datagram and stream transports just send
     * nothing; a transport that must answer every request (gRPC) answers here.
     */
    default void unanswered() {
    }
}
