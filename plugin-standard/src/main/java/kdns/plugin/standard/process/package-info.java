/**
 * What the plugins of this module share across the process: the one timer thread, the lame-duck
 * flag {@code health} sets and {@code ready} reads, and the host's name. Not exported.
 */
package kdns.plugin.standard.process;
