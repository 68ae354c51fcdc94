package kdns.plugin.standard.loop;

import java.util.function.Consumer;
import java.util.function.IntConsumer;
import kdns.api.Log;

/**
 * What happens once a loop is detected: CoreDNS's {@code log.Fatal}, the fatal line and then the
 * end of the process with status 1.
 *
 * @param fatal where the fatal line goes
 * @param exit  how the process ends
 */
record LoopExit(Consumer<String> fatal, IntConsumer exit) {

    /** The fatal line on standard output, then {@code System.exit}. */
    static final LoopExit PROCESS = new LoopExit(LoopExit::logFatal, LoopExit::exitProcess);

    /** Logs {@code line} as fatal and ends the process with status 1. */
    void fire(String line) {
        fatal.accept(line);
        exit.accept(1);
    }

    private static void logFatal(String line) {
        Log.plain().raw("[FATAL] plugin/loop: " + line);
        System.out.flush();
    }

    /**
     * The exit runs on its own thread so the shutdown hooks it starts never wait on the server
     * thread that detected the loop.
     */
    private static void exitProcess(int status) {
        Thread t = new Thread(() -> System.exit(status), "kdns-loop-exit");
        t.setDaemon(false);
        t.start();
    }
}
