package kdns.testing.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One etcd process: started from a command line, logging to a file, killed with SIGKILL, paused
 * with SIGSTOP and resumed with SIGCONT. The data directory outlives the process, so a start after
 * a stop brings the same member back.
 */
final class EtcdProcess {

    private final String name;
    private final Path logFile;
    private Process process;
    private boolean paused;

    EtcdProcess(String name, Path logFile) {
        this.name = name;
        this.logFile = logFile;
    }

    /** Starts the command without waiting for anything. */
    synchronized void spawn(List<String> command) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Files.writeString(logFile, "---- start: " + String.join(" ", command) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        paused = false;
    }

    /** Waits (bounded) until {@code healthy} holds; fails with the log's tail when etcd exits or the time is up. */
    void awaitHealthy(BooleanSupplier healthy, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p;
            synchronized (this) {
                p = process;
            }
            if (p == null || !p.isAlive()) {
                throw new IOException(name + " exited" + (p == null ? "" : " with " + p.exitValue())
                        + " at start; log: " + tail());
            }
            if (healthy.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name);
            }
        }
        throw new IOException(name + " did not become healthy within " + timeout.toSeconds() + "s; log: " + tail());
    }

    /** True while the process exists and is not paused. */
    synchronized boolean serving() {
        return process != null && process.isAlive() && !paused;
    }

    synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, and waits for the exit. */
    synchronized void kill() {
        Process p = process;
        process = null;
        paused = false;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + p.pid() + ") did not exit within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, as a hung machine does. */
    synchronized void pause() throws IOException {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    synchronized void resume() throws IOException {
        signal("CONT");
        paused = false;
    }

    private void signal(String sig) throws IOException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        Process kill = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).redirectErrorStream(true)
                .start();
        try {
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -" + sig + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: kill -" + sig);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
