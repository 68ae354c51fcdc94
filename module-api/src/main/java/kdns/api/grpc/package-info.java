/**
 * CoreDNS's gRPC service ({@code pb/dns.proto}, served by {@code grpc://} keys and used by the
 * {@code grpc} plugin) as bytes: the {@code DnsPacket} message encoding, without grpc-java, so
 * module-api stays free of it. A plugin that speaks the service builds its grpc-java method
 * descriptor over {@link kdns.api.grpc.DnsPacket}.
 */
package kdns.api.grpc;
