package kdns.testing.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared case files reach test-support's own tests through the parent pom too. */
class CaseFilesTest {

    @Test
    void readsAFileOfTheTopLevelCasesFolder() {
        JsonNode root = CaseFiles.read("corefile.json");
        assertTrue(root.get("cases").size() > 0);
        JsonNode first = root.get("cases").get(0);
        assertEquals(first.get("name").asText(), CaseFiles.text(first, "name"));
    }

    @Test
    void missingKeysAreEmptyAndAMissingFileIsNamed() {
        JsonNode c = CaseFiles.read("kubernetes.json").get("cases").get(0);
        assertEquals("", CaseFiles.text(c, "no such key"));
        assertEquals(List.of(), CaseFiles.strings(c, "no such key"));
        assertEquals(c.get("answer").size(), CaseFiles.strings(c, "answer").size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CaseFiles.read("nope.json"));
        assertEquals("cases/nope.json is not on the test class path", e.getMessage());
    }
}
