/** The {@code acl} plugin: queries allowed, blocked, filtered or dropped by type and client network. */
package kdns.plugin.standard.acl;
