/**
 * An evaluator for the subset of the expr language (https://expr-lang.org) that CoreDNS configurations
 * use: {@code template}'s {@code var} and {@code expr}, and {@code view}. Internal to this module (not
 * exported).
 *
 * <p>{@link kdns.plugin.standard.expr.Expression#parse} checks the syntax and resolves every name once;
 * {@link kdns.plugin.standard.expr.Expression#evaluate} walks the parsed tree against the bindings of
 * one query. {@link kdns.plugin.standard.expr.RequestBindings} binds CoreDNS's query functions.
 *
 * <p>The language, as expr-lang defines it:
 * <ul>
 * <li>literals: strings in {@code '...'} or {@code "..."} with Go's escapes (<code>\n \t \\ \' \" \xNN
 *     &#92;uNNNN &#92;u{N...} \UNNNNNNNN</code>, octal {@code \NNN}) or raw in backquotes; integers ({@code 42},
 *     {@code 0x2A}, {@code 0o52}, {@code 0b101010}, {@code 1_000}); floats ({@code 0.5}, {@code .5},
 *     {@code 1e3}); {@code true}, {@code false}, {@code nil}; arrays {@code [a, b]}; maps
 *     {@code {a: 1, 'b': 2}}; comments {@code //} and {@code /* *}{@code /};</li>
 * <li>operators, loosest first: {@code ? :} (and {@code a ?: b}); {@code |} (pipe: {@code x | f(y)} is
 *     {@code f(x, y)}); {@code || or}; {@code && and}; {@code == != < <= > >=}, {@code in},
 *     {@code matches}, {@code contains}, {@code startsWith}, {@code endsWith} (each but the comparisons
 *     also as {@code not in} ...; {@code a < b < c} is {@code a < b && b < c}); {@code ..} (integer
 *     range); {@code + -}; unary {@code ! not}; {@code * / %}; unary {@code - +}; {@code ** ^} (power,
 *     right to left); {@code ??} (nil coalescing, not mixed with other operators without parentheses);
 *     then indexes {@code a[i]} ({@code a[-1]} is the last), slices {@code a[i:j]}, fields {@code m.key}
 *     and calls;</li>
 * <li>arithmetic on ints stays int (64 bits, wrapping); a float on either side makes a float;
 *     {@code /} always divides as floats; {@code %} takes ints; {@code +} also joins strings;
 *     {@code ==} compares numbers by value and arrays element by element; {@code < <= > >=} compare
 *     numbers or strings; {@code &&}, {@code ||}, {@code !} and {@code ? :} need booleans, and
 *     {@code &&} / {@code ||} run their right side only when needed; {@code in} looks for an element
 *     of an array or a key of a map; {@code matches} is an unanchored Go regular expression search
 *     (compiled once when the pattern is a literal);</li>
 * <li>builtins: {@code len abs ceil floor round int float string trim trimPrefix trimSuffix upper lower
 *     split splitAfter replace repeat join indexOf lastIndexOf hasPrefix hasSuffix max min first last
 *     get take reverse concat uniq keys values}, and with a predicate, where {@code #} is the current
 *     element and {@code #index} its index, bare or in braces: {@code all any none one filter map count
 *     sum find findIndex findLast findLastIndex} ({@code any(['10.0.0.0/8'], incidr(ip, #))},
 *     {@code filter(list, {# > 1})}, {@code .key} for {@code #.key}).</li>
 * </ul>
 * Not supported (refused when parsing, with a message): {@code let}, {@code if {} else {}},
 * sequences with {@code ;}, {@code ?.}, methods, {@code $env}, bytes literals, {@code #acc}, and the
 * builtins for dates, JSON, base64, bits, sorting and grouping.
 */
package kdns.plugin.standard.expr;
