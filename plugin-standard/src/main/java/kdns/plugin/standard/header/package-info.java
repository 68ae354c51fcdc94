/** The {@code header} plugin: AA, RA and RD flags of queries and replies. */
package kdns.plugin.standard.header;
