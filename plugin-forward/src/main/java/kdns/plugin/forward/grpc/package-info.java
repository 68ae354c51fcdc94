/** The {@code grpc} directive: CoreDNS's grpc plugin, proxying to {@code DnsService/Query} upstreams. */
package kdns.plugin.forward.grpc;
