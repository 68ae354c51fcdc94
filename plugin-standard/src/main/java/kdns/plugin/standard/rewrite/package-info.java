/** The {@code rewrite} plugin: question rewriting before the chain, and the reply mapped back. */
package kdns.plugin.standard.rewrite;
