package kdns.plugin.standard.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Transferer;
import kdns.api.text.IpLiterals;

/**
 * {@code transfer [ZONE...] { to HOST... }}: answers AXFR and IXFR (with AXFR fallback) over TCP
 * for the zones of plugins of the same server block that implement {@link Transferer}
 * (CoreDNS's transfer plugin).
 */
public final class TransferPlugin implements Plugin {

    @Override
    public String name() {
        return TransferHandler.NAME;
    }

    @Override
    public String description() {
        return "answers zone transfers (AXFR, IXFR) for plugins that can list their zone";
    }

    /**
     * One {@code transfer} stanza.
     *
     * @param zones the zones it answers transfers of
     * @param to    the IP literals allowed to transfer, or {@code *} for every client
     */
    record Stanza(List<String> zones, List<String> to) {
        boolean allows(String ip) {
            for (String t : to) {
                if (t.equals("*") || t.equals(ip)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<Stanza> stanzas = parse(c);
        AtomicReference<List<Transferer>> transferers = new AtomicReference<>(List.of());
        c.addHandler(next -> new TransferHandler(next, stanzas, transferers::get));
        int block = c.serverBlockIndex();
        c.onStartup(() -> {
            List<Transferer> found = new ArrayList<>();
            for (Handler h : c.instance().blockHandlers(block)) {
                if (h instanceof Transferer t) {
                    found.add(t);
                }
            }
            transferers.set(List.copyOf(found));
        });
    }

    static List<Stanza> parse(Controller c) throws PluginException {
        List<Stanza> out = new ArrayList<>();
        while (c.next()) {
            List<String> zones = c.zonesFromArgs();
            List<String> to = new ArrayList<>();
            while (c.nextBlock()) {
                if (!c.val().equals("to")) {
                    throw c.err("unknown property '" + c.val() + "'");
                }
                List<String> hosts = c.remainingArgs();
                if (hosts.isEmpty()) {
                    throw c.argErr();
                }
                for (String h : hosts) {
                    to.add(host(c, h));
                }
            }
            if (to.isEmpty()) {
                throw c.err("transfer: no 'to' hosts given: add 'to *' or 'to ADDRESS...' in a block");
            }
            out.add(new Stanza(zones, List.copyOf(to)));
        }
        return List.copyOf(out);
    }

    /** {@code *}, or the IP of {@code IP}, {@code IP:PORT} or {@code [IPv6]:PORT} as text. */
    private static String host(Controller c, String h) throws PluginException {
        if (h.equals("*")) {
            return h;
        }
        String ip = h;
        if (h.startsWith("[") && h.contains("]")) {
            ip = h.substring(1, h.indexOf(']'));
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
            ip = h.substring(0, h.indexOf(':'));
        }
        byte[] raw = IpLiterals.parse(ip);
        if (raw == null) {
            throw c.err("transfer: '" + h + "' is not an IP address (give 'to *' or IP addresses)");
        }
        return IpLiterals.format(raw);
    }
}
