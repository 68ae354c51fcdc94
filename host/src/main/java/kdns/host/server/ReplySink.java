package kdns.host.server;

/** Sends one reply's wire bytes back to the client on the transport the query came in on. */
@FunctionalInterface
public interface ReplySink {

    /** Sends the reply; must be safe to call from any thread. */
    void send(byte[] wire, int length);

    /**
     * Told when the chain finished without writing a reply and will not write one (a plugin that
     * drops queries on purpose, such as {@code erratic}'s {@code drop} or {@code acl}'s
     * {@code drop}). Datagram and stream transports send nothing then; DNS over HTTPS answers
     * {@code 500} and gRPC the query itself, as CoreDNS.
     */
    default void none() {
    }
}
