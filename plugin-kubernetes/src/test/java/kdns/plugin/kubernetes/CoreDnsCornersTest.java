package kdns.plugin.kubernetes;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corners of issue 16 where CoreDNS's exact answer is easy to miss, from cases/corners.json:
 * names with more labels than a service name under an ExternalName Service (endpoint and
 * {@code _port._proto} forms), chains of in-zone ExternalNames, TXT on names that hold no records
 * of their own, names in namespaces that {@code namespaces} and {@code namespace_labels} do not
 * expose (with and without {@code fallthrough}), and the spelling of owner names and targets under
 * 0x20. Each case's {@code note} names the CoreDNS file and function that decides it. The cases run
 * like {@link IndexAcceptanceTest}'s: the handler over an index loaded with the objects, the reply
 * compared exactly (names included).
 */
class CoreDnsCornersTest {

    @TestFactory
    Stream<DynamicTest> corners() throws Exception {
        return AcceptanceCases.corners().stream()
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> IndexAcceptanceTest.run(c)));
    }
}
