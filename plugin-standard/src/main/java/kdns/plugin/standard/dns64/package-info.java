/** The {@code dns64} plugin: AAAA answers synthesized from A records for NAT64 (RFC 6147). */
package kdns.plugin.standard.dns64;
