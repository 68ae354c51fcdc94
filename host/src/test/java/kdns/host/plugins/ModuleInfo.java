package kdns.host.plugins;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module-info.class written by hand (JVMS 4.7.25), for tests of explicit module jars: the build
 * compiles for Java 21, which has no class-file API, and no compiler is on the test's module path.
 */
final class ModuleInfo {

    static final int TRANSITIVE = 0x0020;
    static final int STATIC = 0x0040;
    static final int MANDATED = 0x8000;

    private final String name;
    private final Map<String, Integer> pool = new LinkedHashMap<>();
    private final List<byte[]> poolEntries = new ArrayList<>();
    private final List<int[]> requires = new ArrayList<>();
    private final List<int[]> exports = new ArrayList<>();
    private final List<int[]> opens = new ArrayList<>();
    private final List<Integer> uses = new ArrayList<>();
    private final List<int[]> provides = new ArrayList<>();

    ModuleInfo(String name) {
        this.name = name;
    }

    ModuleInfo requires(String module, int flags) {
        requires.add(new int[] {entry(19, module), flags, 0});
        return this;
    }

    ModuleInfo exports(String pkg, String... to) {
        exports.add(qualified(pkg, to));
        return this;
    }

    ModuleInfo opens(String pkg, String... to) {
        opens.add(qualified(pkg, to));
        return this;
    }

    ModuleInfo uses(String service) {
        uses.add(entry(7, service.replace('.', '/')));
        return this;
    }

    ModuleInfo provides(String service, String... providers) {
        int[] row = new int[providers.length + 2];
        row[0] = entry(7, service.replace('.', '/'));
        row[1] = providers.length;
        for (int i = 0; i < providers.length; i++) {
            row[i + 2] = entry(7, providers[i].replace('.', '/'));
        }
        provides.add(row);
        return this;
    }

    byte[] bytes() {
        int thisClass = entry(7, "module-info");
        int attributeName = utf8("Module");
        int module = entry(19, name);
        try {
            ByteArrayOutputStream attr = new ByteArrayOutputStream();
            DataOutputStream a = new DataOutputStream(attr);
            a.writeShort(module);
            a.writeShort(0); // flags
            a.writeShort(0); // no version
            writeRows(a, requires);
            writeRows(a, exports);
            writeRows(a, opens);
            a.writeShort(uses.size());
            for (int u : uses) {
                a.writeShort(u);
            }
            writeRows(a, provides);

            ByteArrayOutputStream file = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(file);
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(53); // Java 9, the first with modules
            out.writeShort(poolEntries.size() + 1);
            for (byte[] e : poolEntries) {
                out.write(e);
            }
            out.writeShort(0x8000); // ACC_MODULE
            out.writeShort(thisClass);
            out.writeShort(0); // no super class, interfaces, fields or methods
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(1);
            out.writeShort(attributeName);
            out.writeInt(attr.size());
            out.write(attr.toByteArray());
            return file.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A count, then rows of u2s (an exports or opens row: package, flags, count, targets). */
    private static void writeRows(DataOutputStream a, List<int[]> rows) throws IOException {
        a.writeShort(rows.size());
        for (int[] row : rows) {
            for (int v : row) {
                a.writeShort(v);
            }
        }
    }

    private int[] qualified(String pkg, String... to) {
        int[] row = new int[to.length + 3];
        row[0] = entry(20, pkg.replace('.', '/'));
        row[1] = 0;
        row[2] = to.length;
        for (int i = 0; i < to.length; i++) {
            row[i + 3] = entry(19, to[i]);
        }
        return row;
    }

    /** A Class (7), Module (19) or Package (20) constant naming the given UTF-8 constant. */
    private int entry(int tag, String text) {
        int utf8 = utf8(text);
        return pool.computeIfAbsent(tag + ":" + text, k -> add(new byte[] {(byte) tag, (byte) (utf8 >> 8), (byte) utf8}));
    }

    private int utf8(String text) {
        return pool.computeIfAbsent("1:" + text, k -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                DataOutputStream d = new DataOutputStream(b);
                d.writeByte(1);
                d.writeUTF(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return add(b.toByteArray());
        });
    }

    private int add(byte[] entry) {
        poolEntries.add(entry);
        return poolEntries.size();
    }
}
