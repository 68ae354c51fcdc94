package kdns.host.testplugins;

import java.net.InetAddress;
import java.net.UnknownHostException;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * {@code testanswer [N]}: answers every query with N A records (10.0.0.1 ...) for the name asked;
 * {@code testanswer drop} writes nothing and returns NOERROR (a plugin that drops the query).
 */
public final class AnswerPlugin implements Plugin {

    @Override
    public String name() {
        return "testanswer";
    }

    @Override
    public String description() {
        return "test: answers with N A records";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        int n = 1;
        boolean dropping = false;
        while (c.next()) {
            if (c.nextArg()) {
                if (c.val().equals("drop")) {
                    dropping = true;
                } else {
                    n = Integer.parseInt(c.val());
                }
            }
        }
        int count = n;
        boolean drop = dropping;
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "testanswer";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                if (drop) {
                    return 0;
                }
                writer.write(reply(request, count));
                return 0;
            }
        });
    }

    static Message reply(Request request, int count) {
        Message m = new Message(request.id());
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(request.message().getQuestion(), Section.QUESTION);
        for (int i = 0; i < count; i++) {
            try {
                m.addRecord(new ARecord(request.qname(), 1, 60,
                        InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) (i + 1)})), Section.ANSWER);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }
}
