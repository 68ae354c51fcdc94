/** The {@code tsig} plugin: TSIG (RFC 8945) checks of queries and signatures of replies. */
package kdns.plugin.standard.tsig;
