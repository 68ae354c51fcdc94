/** The {@code file} plugin: authoritative zones from RFC 1035 zone files. */
package kdns.plugin.standard.file;
