package kdns.host.setup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import kdns.host.corefile.ServerBlock;
import kdns.host.corefile.Token;

/**
 * The hash the reload plugin compares: SHA-512 over the parsed server blocks (keys and directive
 * tokens, after imports and environment substitution), so comments, white space and line moves do
 * not count as changes (as CoreDNS hashes its parsed blocks).
 */
public final class CorefileHash {

    private CorefileHash() {
    }

    public static String of(List<ServerBlock> blocks) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every JDK", e);
        }
        for (ServerBlock b : blocks) {
            md.update((byte) 'B');
            for (String k : b.keys()) {
                field(md, k);
            }
            for (ServerBlock.Directive d : b.directives()) {
                md.update((byte) 'D');
                for (Token t : d.tokens()) {
                    field(md, t.text());
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void field(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update((byte) (b.length >>> 24));
        md.update((byte) (b.length >>> 16));
        md.update((byte) (b.length >>> 8));
        md.update((byte) b.length);
        md.update(b);
    }
}
