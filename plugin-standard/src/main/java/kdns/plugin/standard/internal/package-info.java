/**
 * Helpers shared by the plugins of this module (not exported): log sinks, address parsing and
 * formatting, reply skeletons, Go duration formatting and the small HTTP endpoint used by
 * {@code health} and {@code ready}.
 */
package kdns.plugin.standard.internal;
