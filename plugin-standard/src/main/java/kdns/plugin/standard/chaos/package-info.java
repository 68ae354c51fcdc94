/** The {@code chaos} plugin: answers CH-class TXT queries for the server's version, authors and host name. */
package kdns.plugin.standard.chaos;
