package kdns.plugin.standard.bufsize;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;

/**
 * {@code bufsize [SIZE]}: lowers the EDNS0 UDP payload size a query advertises to SIZE (512 to
 * 4096, default 1232) before the rest of the chain runs, so replies are truncated at SIZE and
 * {@code forward} asks upstream with SIZE. Queries without OPT, or advertising less, pass
 * unchanged (CoreDNS's {@code bufsize} plugin).
 */
public final class BufsizePlugin implements Plugin {

    /** The DNS flag day 2020 value. */
    static final int DEFAULT_SIZE = 1232;
    static final int MIN_SIZE = 512;
    static final int MAX_SIZE = 4096;

    @Override
    public String name() {
        return "bufsize";
    }

    @Override
    public String description() {
        return "limits the EDNS0 buffer size of queries to prevent IP fragmentation";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        int size = parse(c);
        c.addHandler(next -> new BufsizeHandler(next, size));
    }

    /**
     * CoreDNS's {@code parse}: only the first occurrence in a block is read. Its errors are wrapped
     * twice in CoreDNS ({@code plugin/bufsize: plugin/bufsize: Corefile:1 - ...}); the host adds
     * the outer prefix, this adds the inner one.
     */
    static int parse(Controller c) throws PluginException {
        if (!c.next()) {
            throw wrapped(c.argErr());
        }
        List<String> args = c.remainingArgs();
        switch (args.size()) {
            case 0:
                return DEFAULT_SIZE;
            case 1:
                int size;
                try {
                    size = Integer.parseInt(args.get(0));
                } catch (NumberFormatException e) {
                    throw wrapped(c.argErr());
                }
                if (size < MIN_SIZE || size > MAX_SIZE) {
                    throw wrapped(c.argErr());
                }
                return size;
            default:
                throw wrapped(c.argErr());
        }
    }

    private static PluginException wrapped(PluginException e) {
        return new PluginException("plugin/bufsize: " + e.getMessage(), e);
    }

    /** Stateless apart from its size and next handler, so shared by every query. */
    static final class BufsizeHandler implements Handler {

        private final Handler next;
        private final int size;

        BufsizeHandler(Handler next, int size) {
            this.next = next;
            this.size = size;
        }

        @Override
        public String name() {
            return "bufsize";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            request.lowerUdpSize(size);
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
    }
}
