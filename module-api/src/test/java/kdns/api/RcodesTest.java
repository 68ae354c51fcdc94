package kdns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RcodesTest {

    @Test
    void namesAreMiekgsWithTheNumberForTheRest() {
        assertEquals("NOERROR", Rcodes.name(0));
        assertEquals("DSOTYPENI", Rcodes.name(11));
        assertEquals("BADSIG", Rcodes.name(16), "16 prints as BADSIG in CoreDNS, as miekg/dns's map holds it");
        assertEquals("BADCOOKIE", Rcodes.name(23));
        assertEquals("12", Rcodes.name(12));
        assertEquals("3841", Rcodes.name(3841));
        assertNull(Rcodes.mnemonic(12));
        assertNull(Rcodes.mnemonic(-1));
    }

    @Test
    void codesOfMnemonicsAndAliasesInAnyCase() {
        assertEquals(3, Rcodes.code("nxdomain"));
        assertEquals(4, Rcodes.code("NOTIMPL"));
        assertEquals(16, Rcodes.code("BADVERS"));
        assertEquals(16, Rcodes.code("BadSig"));
        assertEquals(-1, Rcodes.code("RCODE12"));
    }

    @Test
    void whoWritesTheReply() {
        assertTrue(Rcodes.clientWrote(Rcodes.NXDOMAIN));
        assertFalse(Rcodes.clientWrote(Rcodes.SERVFAIL));
    }
}
