package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/kdns with the tsig plugin, asked by knot's kdig with a TSIG key ({@code -y}). */
class TsigE2ETest {

    private static final String SECRET = "NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=";


    @Test
    void kdigWithTheKeyGetsASignedAnswerAndWithoutItIsRefused(@TempDir Path dir) throws Exception {
        int port = KdnsProcess.freePort();
        String corefile = "example.zone:" + port + " {\n    bind 127.0.0.1\n    tsig {\n        secret example.zone.key. "
                + SECRET + "\n        require all\n    }\n    hosts {\n        10.0.0.1 www.example.zone\n    }\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            String signed = Kdig.ask(port, "-y", "hmac-sha256:example.zone.key.:" + SECRET, "www.example.zone", "A");
            assertTrue(signed.contains("status: NOERROR") && signed.contains("10.0.0.1"), signed);
            assertTrue(signed.contains("TSIG PSEUDOSECTION"), "the reply carries a TSIG: " + signed);
            assertFalse(signed.contains("WARNING"), "and kdig verified it: " + signed);
            String unsigned = Kdig.ask(port, "www.example.zone", "A");
            assertTrue(unsigned.contains("status: REFUSED"), unsigned);
            String wrong = Kdig.ask(port, "-y", "hmac-sha256:example.zone.key.:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    "www.example.zone", "A");
            assertTrue(wrong.contains("NOTAUTH") || wrong.contains("BADSIG"), wrong);
        }
    }
}
