package kdns.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DirectivesTest {

    @Test
    void aLineGetsABlock() {
        assertEquals("kubernetes cluster.local {\nkubeconfig /k\n}", Directives.withLines("kubernetes cluster.local\n", "kubeconfig /k"));
    }

    @Test
    void aBlockGetsTheLinesFirst() {
        assertEquals("multicluster clusterset.local {\nkubeconfig /k\nttl 5\n\n    fallthrough\n}",
                Directives.withLines("multicluster clusterset.local {\n    fallthrough\n}", "kubeconfig /k", "ttl 5"));
    }
}
