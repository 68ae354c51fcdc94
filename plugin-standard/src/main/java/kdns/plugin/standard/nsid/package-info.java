/** The {@code nsid} plugin: the name server identifier option (RFC 5001) in replies that ask for it. */
package kdns.plugin.standard.nsid;
