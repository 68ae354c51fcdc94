/**
 * The option block of the plugins that set limits of the host's listeners ({@code quic},
 * {@code https}, {@code grpc_server}). Not exported.
 */
package kdns.plugin.standard.listeners;
