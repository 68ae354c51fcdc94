package kdns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a running kdns holds: threads and open file descriptors (from /proc), and its heap and
 * metaspace in use right after a full collection (jcmd GC.run, then GC.heap_info and VM.metaspace),
 * and the live {@code ServerInstance} objects (GC.class_histogram): the figures a leak makes grow.
 * A retained instance of a small Corefile is too small to show in the heap figure; the count shows it.
 */
record ProcessUsage(int threads, long fds, long heapKiB, long metaspaceKiB, long classes, long instances) {

    /** The heap's parts as GC.heap_info prints them (serial: young + old; G1 or parallel: one or two lines). */
    private static final Pattern HEAP = Pattern.compile(
            "(?m)^\\s*(?:DefNew|Tenured|def new generation|tenured generation|garbage-first heap|PSYoungGen|ParOldGen)\\s.*?used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("(?m)^\\s*Metaspace\\s+used (\\d+)K");
    private static final Pattern CLASSES = Pattern.compile("Total Usage - \\d+ loaders, (\\d+) classes");
    /** The live server instances (one per loaded Corefile) in jcmd GC.class_histogram. */
    private static final Pattern INSTANCES = Pattern.compile(
            "(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+kdns\\.host\\.setup\\.ServerInstance\\s");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)$");

    static ProcessUsage of(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String heap = jcmd(pid, "GC.heap_info");
        long heapKiB = 0;
        Matcher m = HEAP.matcher(heap);
        boolean any = false;
        while (m.find()) {
            heapKiB += Long.parseLong(m.group(1));
            any = true;
        }
        if (!any) {
            throw new IOException("cannot read the heap from jcmd GC.heap_info:\n" + heap);
        }
        String metaspace = jcmd(pid, "VM.metaspace");
        Matcher meta = METASPACE.matcher(metaspace);
        Matcher classes = CLASSES.matcher(metaspace);
        if (!meta.find() || !classes.find()) {
            throw new IOException("cannot read jcmd VM.metaspace:\n" + metaspace);
        }
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher live = INSTANCES.matcher(histogram);
        long instances = live.find() ? Long.parseLong(live.group(1)) : 0;
        Matcher t = THREADS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        if (!t.find()) {
            throw new IOException("no Threads: line in /proc/" + pid + "/status");
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = s.count();
        }
        return new ProcessUsage(Integer.parseInt(t.group(1)), fds, heapKiB, Long.parseLong(meta.group(1)),
                Long.parseLong(classes.group(1)), instances);
    }

    /** The distribution's jcmd (its runtime has jdk.jcmd), else the one of the JDK running the tests. */
    private static Path jcmd() {
        Path own = KdnsProcess.dist().resolve("runtime/bin/jcmd");
        return Files.isExecutable(own) ? own : Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(jcmd().toString(), Long.toString(pid), command))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }

    @Override
    public String toString() {
        return threads + " threads, " + fds + " fds, heap " + heapKiB + " KiB, metaspace " + metaspaceKiB + " KiB ("
                + classes + " classes), " + instances + " live server instances";
    }
}
