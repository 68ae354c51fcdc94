/** The {@code local} plugin: localhost and the loopback reverse zones answered locally (RFC 6761). */
package kdns.plugin.standard.local;
