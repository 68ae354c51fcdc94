package kdns.plugin.standard.process;

/**
 * Process-wide state the plugins of this module share: whether a {@code health} listener is in
 * lame-duck mode (shutting down), during which {@code ready} answers 503 as well.
 */
public final class ProcessState {

    private static volatile boolean lameduck;

    private ProcessState() {
    }

    public static boolean lameduck() {
        return lameduck;
    }

    public static void lameduck(boolean on) {
        lameduck = on;
    }
}
