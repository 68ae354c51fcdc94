package kdns.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kdns.api.WireMessage;

/**
 * A {@link RecordingWriter} that also takes replies in wire form ({@code writeWire}), as the
 * server's writer does in the plain case, and records their bytes as offered (it completes
 * nothing); or, made {@code declining}, refuses every one, so the reply must come again through
 * {@code write}.
 */
public class WireRecordingWriter extends RecordingWriter {

    private final boolean takes;
    private final List<byte[]> wires = new ArrayList<>();
    private int offers;

    /** A writer that takes every wire reply when {@code takes}, and declines every one otherwise. */
    public WireRecordingWriter(boolean takes) {
        this.takes = takes;
    }

    @Override
    public synchronized boolean writeWire(WireMessage reply) {
        offers++;
        if (!takes) {
            return false;
        }
        wires.add(Arrays.copyOf(reply.wire(), reply.length()));
        return true;
    }

    @Override
    public boolean takesWire() {
        return takes;
    }

    /** The wire replies taken, in order. */
    public synchronized List<byte[]> wires() {
        return List.copyOf(wires);
    }

    /** How many wire replies were offered, taken or not. */
    public synchronized int offers() {
        return offers;
    }
}
