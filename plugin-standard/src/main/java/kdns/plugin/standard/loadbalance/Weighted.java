package kdns.plugin.standard.loadbalance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import kdns.api.text.Durations;
import kdns.api.text.IpLiterals;
import kdns.plugin.standard.telemetry.LogSink;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code weighted} policy: for A, AAAA and SRV questions, in the answer and additional
 * sections, one address record is picked at random with the probability of its weight from the
 * weight file (1 when the file has none for it) and put first among the addresses, which come
 * after the CNAME and other records and before the MX records; nothing else is shuffled. The
 * weight file is read at start-up and again every {@code reload} interval when its content
 * changed (0: never). Thread-safe: the weights are swapped as a whole.
 */
final class Weighted {

    /** CoreDNS's error for a weight file that cannot be opened. */
    static final String OPEN_ERROR = "weight file open error";

    private final Path file;
    private final Duration reload;
    private final LogSink sink;
    private final ScheduledExecutorService scheduler;
    private final IntUnaryOperator random;
    private volatile Map<String, Map<String, Integer>> domains = Map.of();
    private byte[] md5;
    private ScheduledFuture<?> task;

    /** @param random {@code bound -> a uniform number in [0, bound)} */
    Weighted(Path file, Duration reload, LogSink sink, ScheduledExecutorService scheduler, IntUnaryOperator random) {
        this.file = file;
        this.reload = reload;
        this.sink = sink;
        this.scheduler = scheduler;
        this.random = random;
    }

    static IntUnaryOperator uniform() {
        return bound -> ThreadLocalRandom.current().nextInt(bound);
    }

    /**
     * Reads the weight file and starts the periodic reload.
     *
     * @throws IOException when the file cannot be parsed, or cannot be opened and is not reloaded
     */
    synchronized void start() throws IOException {
        try {
            update();
        } catch (NoSuchFileException e) {
            if (reload.isZero()) {
                throw new IOException(OPEN_ERROR, e);
            }
            sink.warning("Failed to open weight file:" + OPEN_ERROR + ". Will try again in "
                    + Durations.format(reload));
        }
        if (!reload.isZero() && task == null) {
            long nanos = reload.toNanos();
            task = scheduler.scheduleWithFixedDelay(this::periodic, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void periodic() {
        try {
            update();
        } catch (NoSuchFileException e) {
            sink.error(OPEN_ERROR);
        } catch (IOException e) {
            sink.error(e.getMessage());
        }
    }

    /** Signals a weight file that cannot be opened. */
    static final class NoSuchFileException extends IOException {
        NoSuchFileException(Throwable cause) {
            super(OPEN_ERROR, cause);
        }
    }

    /** Reads the file when its content changed since the last read. */
    synchronized void update() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new NoSuchFileException(e);
        }
        byte[] sum = md5(content);
        if (Arrays.equals(sum, md5)) {
            return;
        }
        md5 = sum;
        domains = parse(new String(content, StandardCharsets.UTF_8), file.toString());
        sink.info("Successfully reloaded weight file " + file);
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a weight file: a domain name on a line of its own, then {@code IP WEIGHT} lines with
     * weights from 1 to 255; {@code #} lines and empty lines are ignored. Errors carry CoreDNS's texts.
     */
    static Map<String, Map<String, Integer>> parse(String text, String fileName) throws IOException {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        String domain = null;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            switch (fields.length) {
                case 1 -> {
                    if (IpLiterals.parse(fields[0]) != null) {
                        throw new IOException("Wrong domain name:\"" + fields[0] + "\" in weight file " + fileName
                                + ". (Maybe a missing weight value?)");
                    }
                    domain = fields[0].toLowerCase(Locale.ROOT);
                    if (!domain.endsWith(".")) {
                        domain += ".";
                    }
                    out.computeIfAbsent(domain, d -> new HashMap<>());
                }
                case 2 -> {
                    byte[] ip = IpLiterals.parse(fields[0]);
                    if (ip == null) {
                        throw new IOException("Wrong IP address:\"" + fields[0] + "\" in weight file " + fileName);
                    }
                    int weight = -1;
                    if (fields[1].length() <= 3 && fields[1].chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        weight = Integer.parseInt(fields[1]);
                    }
                    if (weight < 1 || weight > 255) {
                        throw new IOException("Wrong weight value:\"" + fields[1] + "\" in weight file " + fileName);
                    }
                    if (domain == null) {
                        throw new IOException("Missing domain name in weight file " + fileName);
                    }
                    out.get(domain).putIfAbsent(key(ip), weight);
                }
                default -> throw new IOException("Could not parse weight line:\"" + line + "\" in weight file "
                        + fileName);
            }
        }
        return out;
    }

    /** The key of an address: IPv4-mapped IPv6 addresses equal their IPv4 form, as Go's {@code IP.Equal}. */
    private static String key(byte[] ip) {
        return IpLiterals.format(IpLiterals.unmapped(ip));
    }

    /** Applies the policy to a NOERROR reply to a {@code qtype} question. */
    void shuffle(Message reply, int qtype) {
        if (qtype != Type.A && qtype != Type.AAAA && qtype != Type.SRV) {
            return;
        }
        section(reply, Section.ANSWER);
        section(reply, Section.ADDITIONAL);
    }

    private void section(Message reply, int section) {
        List<Record> in = reply.getSection(section);
        List<Record> out = order(in);
        if (out == null) {
            return;
        }
        RecordGroups.replace(reply, section, out);
    }

    /** The records in weighted order, or null when there is no address record (left as is). */
    List<Record> order(List<Record> in) {
        RecordGroups groups = RecordGroups.of(in);
        List<Record> address = groups.address();
        if (address.isEmpty()) {
            return null;
        }
        int top = top(address);
        if (top > 0) {
            Record first = address.get(0);
            address.set(0, address.get(top));
            address.set(top, first);
        }
        return groups.cnameRestAddressMx();
    }

    /** Picks the index of the address to put first, with probability weight / sum of weights. */
    int top(List<Record> address) {
        Map<String, Map<String, Integer>> d = domains;
        int n = address.size();
        int[] weights = new int[n];
        Integer[] byWeight = new Integer[n];
        int sum = 0;
        for (int i = 0; i < n; i++) {
            Record r = address.get(i);
            Map<String, Integer> ws = d.get(r.getName().toString().toLowerCase(Locale.ROOT));
            Integer w = ws == null ? null : ws.get(key(Prefer.ip(r)));
            weights[i] = w == null ? 1 : w;
            byWeight[i] = i;
            sum += weights[i];
        }
        // Heaviest first, as CoreDNS walks them.
        Arrays.sort(byWeight, (a, b) -> Integer.compare(weights[b], weights[a]));
        int v = random.applyAsInt(sum);
        int partial = 0;
        for (int i : byWeight) {
            partial += weights[i];
            if (v < partial) {
                return i;
            }
        }
        return 0;
    }

    Map<String, Map<String, Integer>> weights() {
        return domains;
    }
}
