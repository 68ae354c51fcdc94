/** The {@code grpc_server} plugin: limits of the gRPC servers. */
package kdns.plugin.standard.grpc_server;
