/**
 * Upstream connections for {@code forward} (CoreDNS's {@code plugin/pkg/proxy}): UDP sockets read by
 * virtual threads, cached TCP/TLS connections, a JDK HTTP client per DNS-over-HTTPS upstream, health
 * checks and the per-upstream metrics.
 */
package kdns.plugin.forward.proxy;
