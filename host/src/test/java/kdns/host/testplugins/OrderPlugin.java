package kdns.host.testplugins;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Handlers;
import kdns.api.HandlerException;
import kdns.api.Plugin;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * Three plugins {@code ordera}, {@code orderb}, {@code orderc} that append their name to a TXT
 * trail and pass on; the last one in the chain writes the trail. Proves chain order.
 */
public abstract class OrderPlugin implements Plugin {

    private final String name;

    OrderPlugin(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "test: records chain order";
    }

    @Override
    public void setup(Controller c) {
        while (c.next()) {
            // no arguments
        }
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                List<String> trail = new ArrayList<>(TRAIL.get());
                trail.add(name);
                if (next == null) {
                    Message m = new Message(request.id());
                    m.addRecord(request.message().getQuestion(), Section.QUESTION);
                    m.addRecord(new TXTRecord(Name.root, 1, 0, String.join(",", trail)), Section.ANSWER);
                    writer.write(m);
                    TRAIL.remove();
                    return 0;
                }
                TRAIL.set(trail);
                try {
                    return Handlers.nextOrFailure(name, next, request, writer);
                } finally {
                    TRAIL.remove();
                }
            }
        });
    }

    private static final ThreadLocal<List<String>> TRAIL = ThreadLocal.withInitial(List::of);

    public static final class A extends OrderPlugin {
        public A() {
            super("ordera");
        }
    }

    public static final class B extends OrderPlugin {
        public B() {
            super("orderb");
        }
    }

    public static final class C extends OrderPlugin {
        public C() {
            super("orderc");
        }
    }
}
