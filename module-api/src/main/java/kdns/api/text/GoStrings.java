package kdns.api.text;

/** Go's string formatting where CoreDNS's messages show it, so errors read byte for byte as CoreDNS's. */
public final class GoStrings {

    private GoStrings() {
    }

    /**
     * Go's {@code %q} ({@code strconv.Quote}): double quotes, with quotes, backslashes and control
     * characters escaped, and characters Go does not print as {@code \}{@code u}/{@code \}{@code U}
     * escapes.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (!Character.isDefined(cp) || Character.getType(cp) == Character.CONTROL
                            || Character.getType(cp) == Character.FORMAT) {
                        sb.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }
}
