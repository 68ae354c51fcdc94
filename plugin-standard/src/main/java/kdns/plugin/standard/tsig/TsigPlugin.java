package kdns.plugin.standard.tsig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Type;

/**
 * {@code tsig [ZONE...] { secret NAME KEY; secrets FILE; require QTYPE...|all|none;
 * require_opcode OPCODE...|all|none }} (CoreDNS's tsig plugin): checks the TSIG of signed queries
 * with the named secrets, signs the replies to them, and refuses unsigned queries of the types or
 * opcodes it requires to be signed.
 */
public final class TsigPlugin implements Plugin {

    @Override
    public String name() {
        return "tsig";
    }

    @Override
    public String description() {
        return "checks TSIG-signed queries, signs their replies and refuses unsigned ones where required";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        TsigPolicy policy = parse(c);
        c.addHandler(next -> new TsigHandler(next, policy));
    }

    static TsigPolicy parse(Controller c) throws PluginException {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        Set<Integer> types = new HashSet<>();
        Set<Integer> opcodes = new HashSet<>();
        boolean allTypes = false;
        boolean allOpcodes = false;
        List<String> zones = null;
        while (c.next()) {
            if (zones != null) {
                throw c.err("this plugin can only be used once per Server Block");
            }
            zones = c.zonesFromArgs();
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "secret" -> {
                        List<String> a = c.remainingArgs();
                        if (a.size() != 2) {
                            throw c.argErr();
                        }
                        put(c, secrets, ZoneNames.normalize(a.get(0)), a.get(1));
                    }
                    case "secrets" -> {
                        List<String> a = c.remainingArgs();
                        if (a.size() != 1) {
                            throw c.argErr();
                        }
                        Path file = Path.of(a.get(0));
                        if (!file.isAbsolute() && !c.root().isEmpty()) {
                            file = Path.of(c.root()).resolve(file);
                        }
                        Map<String, String> fromFile;
                        try {
                            fromFile = KeyFile.parse(Files.readString(file));
                        } catch (IOException e) {
                            throw c.err("open " + file + ": " + e.getMessage());
                        } catch (IllegalArgumentException e) {
                            throw c.err(file + ": " + e.getMessage());
                        }
                        for (Map.Entry<String, String> e : fromFile.entrySet()) {
                            put(c, secrets, e.getKey(), e.getValue());
                        }
                    }
                    case "require" -> {
                        types.clear();
                        allTypes = false;
                        List<String> a = c.remainingArgs();
                        if (a.isEmpty()) {
                            throw c.argErr();
                        }
                        if (a.get(0).equals("all")) {
                            allTypes = true;
                        } else if (!a.get(0).equals("none")) {
                            for (String t : a) {
                                int type = Type.value(t);
                                if (type < 0 || !t.equals(t.toUpperCase(Locale.ROOT))) {
                                    throw c.err("unknown query type '" + t + "'");
                                }
                                types.add(type);
                            }
                        }
                    }
                    case "require_opcode" -> {
                        opcodes.clear();
                        allOpcodes = false;
                        List<String> a = c.remainingArgs();
                        if (a.isEmpty()) {
                            throw c.argErr();
                        }
                        if (a.get(0).equals("all")) {
                            allOpcodes = true;
                        } else if (!a.get(0).equals("none")) {
                            for (String o : a) {
                                int op = Opcode.value(o);
                                if (op < 0 || !o.equals(o.toUpperCase(Locale.ROOT))) {
                                    throw c.err("unknown opcode '" + o + "'");
                                }
                                opcodes.add(op);
                            }
                        }
                    }
                    default -> throw c.err("unknown property '" + c.val() + "'");
                }
            }
        }
        return new TsigPolicy(zones, secrets, types, opcodes, allTypes, allOpcodes);
    }

    private static void put(Controller c, Map<String, byte[]> secrets, String name, String base64)
            throws PluginException {
        if (secrets.containsKey(name)) {
            throw c.err("key \"" + name + "\" redefined");
        }
        try {
            secrets.put(name, Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw c.err("the secret of key \"" + name + "\" is not base64: " + e.getMessage());
        }
    }
}
