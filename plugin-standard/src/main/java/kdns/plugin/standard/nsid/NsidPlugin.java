package kdns.plugin.standard.nsid;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.standard.process.HostName;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * {@code nsid [DATA...]}: when a query asks for the name server identifier (an NSID option, RFC
 * 5001), the reply carries one with DATA (the words joined by spaces; the host name by default).
 */
public final class NsidPlugin implements Plugin {

    @Override
    public String name() {
        return "nsid";
    }

    @Override
    public String description() {
        return "adds the name server identifier (RFC 5001) to replies that ask for it";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        String data = HostName.get();
        int seen = 0;
        while (c.next()) {
            if (seen++ > 0) {
                throw c.err("plugin/nsid: this plugin can only be used once per Server Block");
            }
            List<String> args = c.remainingArgs();
            if (!args.isEmpty()) {
                data = String.join(" ", args);
            }
        }
        byte[] id = data.getBytes(StandardCharsets.UTF_8);
        c.addHandler(next -> new NsidHandler(next, id));
    }


    static final class NsidHandler implements Handler {
        private final Handler next;
        private final byte[] id;

        NsidHandler(Handler next, byte[] id) {
            this.next = next;
            this.id = id.clone();
        }

        @Override
        public String name() {
            return "nsid";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            OPTRecord opt = request.opt();
            if (opt == null || opt.getOptions(EDNSOption.Code.NSID).isEmpty()) {
                return Handlers.nextOrFailure(name(), next, request, writer);
            }
            return Handlers.nextOrFailure(name(), next, request, new ForwardingResponseWriter(writer) {
                @Override
                public void write(Message reply) {
                    delegate.write(withNsid(reply, opt));
                }
            });
        }

        /** The reply with an OPT (the client's size, DO set, as CoreDNS's SetEdns0) whose NSID option holds the id. */
        private Message withNsid(Message reply, OPTRecord clientOpt) {
            Message m = reply.clone();
            OPTRecord opt = m.getOPT();
            List<EDNSOption> options = new ArrayList<>();
            int size = clientOpt.getPayloadSize();
            int extendedRcode = 0;
            int flags = ExtendedFlags.DO;
            if (opt != null) {
                m.removeRecord(opt, Section.ADDITIONAL);
                size = opt.getPayloadSize();
                extendedRcode = opt.getExtendedRcode();
                flags = opt.getFlags();
                for (EDNSOption o : opt.getOptions()) {
                    if (o.getCode() != EDNSOption.Code.NSID) {
                        options.add(o);
                    }
                }
            }
            options.add(new NSIDOption(id));
            m.addRecord(new OPTRecord(size, extendedRcode, 0, flags, options), Section.ADDITIONAL);
            return m;
        }
    }
}
