/**
 * Go standard-library behaviour that CoreDNS's Corefile syntax inherits and kdns reproduces: RE2
 * regular expressions with named groups ({@code rewrite}, {@code template}, {@code view}) and
 * {@code net.ParseCIDR} networks ({@code acl}, {@code dns64}, {@code loadbalance}). Not exported.
 */
package kdns.plugin.standard.golang;
