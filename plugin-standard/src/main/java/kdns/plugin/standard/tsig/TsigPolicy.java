package kdns.plugin.standard.tsig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.zones.ZoneNames;

/**
 * What the tsig plugin of a block enforces.
 *
 * @param zones      the zones it applies to
 * @param secrets    the secrets by key name (lower case, fully qualified)
 * @param types      the query types that must be signed
 * @param opcodes    the opcodes that must be signed
 * @param allTypes   every query type must be signed
 * @param allOpcodes every opcode must be signed
 */
record TsigPolicy(List<String> zones, Map<String, byte[]> secrets, Set<Integer> types, Set<Integer> opcodes,
                  boolean allTypes, boolean allOpcodes) {

    TsigPolicy {
        zones = List.copyOf(zones);
        secrets = Map.copyOf(secrets);
        types = Set.copyOf(types);
        opcodes = Set.copyOf(opcodes);
    }

    boolean required(int qtype, int opcode) {
        return allTypes || allOpcodes || types.contains(qtype) || opcodes.contains(opcode);
    }

    boolean covers(String name) {
        return ZoneNames.longestMatch(zones, name) != null;
    }
}
