/** The {@code forward} directive: setup, the per-stanza handler and the per-query exchange. */
package kdns.plugin.forward;
