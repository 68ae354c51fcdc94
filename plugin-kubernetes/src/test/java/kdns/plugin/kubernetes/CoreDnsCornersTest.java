package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corners of issue 16 where CoreDNS's exact answer is easy to miss, from cases/corners.json:
 * names with more labels than a service name under an ExternalName Service (endpoint and
 * {@code _port._proto} forms), chains of in-zone ExternalNames, TXT on names that hold no records
 * of their own, names in namespaces that {@code namespaces} and {@code namespace_labels} do not
 * expose (with and without {@code fallthrough}), and the spelling of owner names and targets under
 * 0x20. Each case's {@code note} names the CoreDNS file and function that decides it. The cases run
 * like {@link IndexAcceptanceTest}'s (the handler over an index loaded with the objects, the reply
 * compared exactly, names included) and like {@link ApiServerAcceptanceTest}'s (a real server over
 * the fake API server, so the spelling is checked as it leaves the server too).
 */
class CoreDnsCornersTest {

    @AfterAll
    static void stopServers() {
        ApiServerAcceptanceTest.stopAll();
    }

    @TestFactory
    Stream<DynamicTest> corners() throws Exception {
        return AcceptanceCases.corners().stream()
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> IndexAcceptanceTest.run(c)));
    }

    @TestFactory
    Stream<DynamicTest> cornersEndToEnd() throws Exception {
        return AcceptanceCases.corners().stream()
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
                    assumeFalse(c.raw().has("end_to_end_skip"), () -> c.raw().get("end_to_end_skip").asText());
                    ApiServerAcceptanceTest.run(c);
                }));
    }
}
