/**
 * What the host and the plugins that run on the host's Netty share of it: the read buffers of a
 * batched epoll UDP socket ({@link kdns.netty.BatchReadBuffers}). A plugin reaches the host only
 * through {@code kdns.api}, which carries no Netty, so code both need lives here, in the boot layer
 * beside that Netty, instead of a copy in each.
 */
module kdns.netty {
    // Both appear in BatchReadBuffers' signatures (its superclass, UNTRACKED's type).
    requires transitive io.netty.buffer;
    requires transitive io.netty.transport;

    exports kdns.netty;
}
