/** The {@code root} plugin: the directory of a block's relative file names. */
package kdns.plugin.standard.root;
