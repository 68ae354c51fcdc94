package kdns.plugin.standard.hosts;

import io.prometheus.metrics.core.metrics.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;

/**
 * The hosts data one {@code hosts} directive serves: the inline entries (fixed) and the file's
 * (replaced wholesale when the file changes). Queries only read the current {@link HostsMap}
 * snapshots; {@link #readHosts()} runs at start-up and on the reload timer, never per query.
 */
final class HostsFile {

    private final String path;
    private final List<String> origins;
    private final boolean autoReverse;
    private final HostsMap inline;
    private final Gauge entries;
    private final Gauge reloadTimestamp;

    private volatile HostsMap file = HostsMap.EMPTY;
    private ScheduledFuture<?> timer;
    // Guarded by this: readHosts runs at start-up, then on the timer thread.
    private FileTime mtime;
    private long size = -1;

    /**
     * @param path            the file as configured (also the {@code hostsfile} metric label)
     * @param origins         the zones names must be in
     * @param autoReverse     false with {@code no_reverse}
     * @param inline          the inline lines of the Corefile
     * @param entries         {@code coredns_hosts_entries}, labelled by file
     * @param reloadTimestamp {@code coredns_hosts_reload_timestamp_seconds}
     */
    HostsFile(String path, List<String> origins, boolean autoReverse, List<String> inline, Gauge entries,
              Gauge reloadTimestamp) {
        this.path = path;
        this.origins = List.copyOf(origins);
        this.autoReverse = autoReverse;
        this.inline = inline.isEmpty() ? HostsMap.EMPTY
                : HostsMap.parse(String.join("\n", inline), this.origins, autoReverse);
        this.entries = entries;
        this.reloadTimestamp = reloadTimestamp;
    }

    String path() {
        return path;
    }

    /**
     * Reads the file, then every {@code reload} interval (none when it is zero) on
     * {@code scheduler} until {@link #stop()}.
     */
    synchronized void start(Duration reload, ScheduledExecutorService scheduler) {
        readHosts();
        long every = reload.toNanos();
        if (every > 0 && timer == null) {
            timer = scheduler.scheduleWithFixedDelay(this::readHosts, every, every, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the reload timer (the instance is shut down). */
    synchronized void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** True while the reload timer runs. */
    synchronized boolean reloading() {
        return timer != null;
    }

    /**
     * Reads the file again if its modification time or size changed since the last read (CoreDNS's
     * {@code readHosts}). A file that cannot be read (missing, no permission) keeps what was
     * loaded before, as CoreDNS does; a line that does not parse is skipped.
     */
    synchronized void readHosts() {
        Path p = Path.of(path);
        BasicFileAttributes attrs;
        String text;
        try {
            attrs = Files.readAttributes(p, BasicFileAttributes.class);
            if (attrs.lastModifiedTime().equals(mtime) && attrs.size() == size) {
                return;
            }
            text = attrs.isDirectory() ? "" : new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return; // setup already warned about a missing file
        }
        HostsMap parsed = HostsMap.parse(text, origins, autoReverse);
        file = parsed;
        mtime = attrs.lastModifiedTime();
        size = attrs.size();
        entries.labelValues(path).set(inline.len() + parsed.len());
        reloadTimestamp.set(mtime.to(TimeUnit.NANOSECONDS) / 1e9);
    }

    /** The file's addresses of {@code name}, then the inline ones. */
    List<InetAddress> lookup(String name, boolean v4) {
        List<InetAddress> a = file.lookup(name, v4);
        List<InetAddress> b = inline.lookup(name, v4);
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        List<InetAddress> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    /** The file's names for an address, then the inline ones. */
    List<Name> names(String address) {
        List<Name> a = file.names(address);
        List<Name> b = inline.names(address);
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        List<Name> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
