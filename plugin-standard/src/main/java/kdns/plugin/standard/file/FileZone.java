package kdns.plugin.standard.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Log;
import org.xbill.DNS.Name;

/**
 * A zone served from a file and kept current: every {@code reload} interval the file is read again
 * and the new data replaces the old when its SOA serial differs (any change, not only an increase),
 * or, with {@code reload_by_mtime}, when the file was modified since the last read. Queries read
 * the current {@link ZoneData} without a lock; a file that fails to parse leaves the old data
 * serving and is logged.
 */
final class FileZone {

    private static final Log LOG = Log.forPlugin("file");

    final Name origin;
    final Path file;
    private final Duration reload;
    private final boolean byMtime;
    private volatile ZoneData data;
    private volatile FileTime mtime;
    private ScheduledFuture<?> timer;

    FileZone(Name origin, Path file, ZoneData data, Duration reload, boolean byMtime) {
        this.origin = origin;
        this.file = file;
        this.data = data;
        this.reload = reload;
        this.byMtime = byMtime;
        this.mtime = modified();
    }

    /** The data served now; null while the file could not be read (queries get SERVFAIL). */
    ZoneData data() {
        return data;
    }

    synchronized void start(ScheduledExecutorService scheduler) {
        if (reload.isZero() || timer != null) {
            return;
        }
        long every = reload.toNanos();
        timer = scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.NANOSECONDS);
    }

    synchronized void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** One reload check (the timer's task; tests call it directly). */
    void check() {
        ZoneData current = data;
        if (byMtime) {
            FileTime m = modified();
            if (m == null) {
                LOG.error("Failed to stat zone \"" + origin + "\" in \"" + file + "\"");
                return;
            }
            if (mtime != null && m.compareTo(mtime) <= 0 && current != null) {
                return;
            }
            mtime = m;
        }
        ZoneData fresh;
        try {
            fresh = ZoneData.parse(file, origin);
        } catch (ZoneData.ZoneFileException e) {
            LOG.error("Parsing zone \"" + origin + "\": " + e.getMessage());
            return;
        }
        if (!byMtime && current != null && fresh.soa.getSerial() == current.soa.getSerial()) {
            return; // no change in SOA serial
        }
        data = fresh;
        LOG.info("Successfully reloaded zone \"" + origin + "\" in \"" + file + "\" with " + fresh.soa.getSerial()
                + " SOA serial");
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
