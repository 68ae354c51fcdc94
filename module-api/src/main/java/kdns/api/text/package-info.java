/** Parsing of the value syntaxes Corefiles share, such as Go durations. */
package kdns.api.text;
