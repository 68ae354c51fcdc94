package kdns.plugin.standard.rewrite;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import kdns.api.Request;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;

/**
 * {@code edns0 local|nsid|subnet set|append|replace|unset ... [revert]} (CoreDNS's edns0.go): adds,
 * changes or removes an option of the query's OPT record, adding an OPT record (4096 bytes) to a
 * query without one. {@code set} changes the first matching option or adds one; {@code replace}
 * only changes; {@code append} adds (for {@code local} and {@code nsid} even next to a matching
 * option; a {@code local} variable rule and a {@code subnet} rule leave a matching option alone
 * and do not apply); {@code unset} removes every option of the code. With {@code revert} the
 * reply's OPT record and the one the server echoes lose what the rule put in (the option it added
 * goes, the one it changed gets its old value back).
 *
 * @param kind     local, variable (a local option from a {@code {variable}}), nsid or subnet
 * @param code     the option code
 * @param data     a local rule's data
 * @param variable a variable rule's {@code {name}}
 * @param v4Bits   a subnet rule's IPv4 prefix length
 * @param v6Bits   a subnet rule's IPv6 prefix length
 */
record Edns0Rule(boolean stop, Kind kind, Action action, int code, byte[] data, String variable, int v4Bits,
                 int v6Bits, boolean revert) implements RewriteRule {

    enum Kind { LOCAL, VARIABLE, NSID, SUBNET }

    enum Action { SET, APPEND, REPLACE, UNSET }

    /**
     * The option codes miekg/dns decodes into a type of their own; any other code is an
     * {@code EDNS0_LOCAL}, which is what a {@code local} rule matches.
     */
    private static final Set<Integer> TYPED_CODES = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15);

    @Override
    public List<ResponseRule> rewrite(Question q) {
        return switch (kind) {
            case LOCAL -> local(q.opt().ensure(), data);
            case VARIABLE -> {
                byte[] value = variableData(q);
                yield value == null ? null : local(q.opt().ensure(), value);
            }
            case NSID -> nsid(q.opt().ensure());
            case SUBNET -> subnet(q.opt().ensure(), q.request);
        };
    }

    private List<ResponseRule> local(QueryOpt opt, byte[] value) {
        List<EDNSOption> options = opt.options();
        if (action == Action.UNSET) {
            removeAll(opt, code);
            return List.of();
        }
        for (int i = 0; i < options.size(); i++) {
            EDNSOption o = options.get(i);
            if (o.getCode() != code || TYPED_CODES.contains(code)) {
                continue;
            }
            if (action == Action.REPLACE || action == Action.SET) {
                options.set(i, new GenericEDNSOption(code, value));
                opt.touch();
                return revert ? List.of(restore(o)) : List.of();
            }
            if (kind == Kind.VARIABLE) {
                return null; // a variable rule does not append next to a matching option
            }
        }
        return add(opt, new GenericEDNSOption(code, value));
    }

    private List<ResponseRule> nsid(QueryOpt opt) {
        List<EDNSOption> options = opt.options();
        if (action == Action.UNSET) {
            removeAll(opt, EDNSOption.Code.NSID);
            return List.of();
        }
        for (int i = 0; i < options.size(); i++) {
            EDNSOption o = options.get(i);
            if (o.getCode() == EDNSOption.Code.NSID && (action == Action.REPLACE || action == Action.SET)) {
                options.set(i, new NSIDOption(new byte[0])); // an empty NSID asks the server for its own
                opt.touch();
                return revert ? List.of(restore(o)) : List.of();
            }
        }
        return add(opt, new NSIDOption(new byte[0]));
    }

    private List<ResponseRule> subnet(QueryOpt opt, Request request) {
        List<EDNSOption> options = opt.options();
        if (action == Action.UNSET) {
            removeAll(opt, EDNSOption.Code.CLIENT_SUBNET);
            return List.of();
        }
        for (int i = 0; i < options.size(); i++) {
            EDNSOption o = options.get(i);
            if (o.getCode() != EDNSOption.Code.CLIENT_SUBNET) {
                continue;
            }
            if (action == Action.REPLACE || action == Action.SET) {
                options.set(i, clientSubnet(request));
                opt.touch();
                return revert ? List.of(restore(o)) : List.of();
            }
            return null; // append leaves a client subnet option alone
        }
        return add(opt, clientSubnet(request));
    }

    /** Adds {@code option} for set and append; replace does not apply when nothing matched. */
    private List<ResponseRule> add(QueryOpt opt, EDNSOption option) {
        if (action != Action.APPEND && action != Action.SET) {
            return null;
        }
        opt.options().add(option);
        opt.touch();
        return revert ? List.of(remove(option.getCode())) : List.of();
    }

    private static void removeAll(QueryOpt opt, int code) {
        if (opt.options().removeIf(o -> o.getCode() == code)) {
            opt.touch();
        }
    }

    /** CoreDNS's fillEcsData: the client's address cut to the rule's prefix length, scope 0. */
    private ClientSubnetOption clientSubnet(Request request) {
        InetAddress client = request.remoteAddress().getAddress();
        boolean v4 = client instanceof Inet4Address;
        int bits = v4 ? v4Bits : v6Bits;
        byte[] addr = client == null ? new byte[16] : client.getAddress();
        for (int i = 0; i < addr.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            addr[i] &= (byte) (0xff00 >>> keep);
        }
        try {
            return new ClientSubnetOption(bits, 0, InetAddress.getByAddress(addr));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a 4 or 16 byte address always makes one
        }
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /** CoreDNS's ruleData: the variable's value on the wire, or null when there is none (the rule does not apply). */
    private byte[] variableData(Question q) {
        Request r = q.request;
        return switch (variable) {
            case "{qname}" -> q.spelledName().getBytes(StandardCharsets.UTF_8);
            case "{qtype}" -> new byte[] {(byte) (q.type >>> 8), (byte) q.type};
            case "{client_ip}" -> ipData(r.family(), r.remoteAddress());
            case "{server_ip}" -> ipData(r.family(), r.localAddress());
            case "{client_port}" -> portData(r.remoteAddress());
            case "{server_port}" -> portData(r.localAddress());
            case "{protocol}" -> r.proto().getBytes(StandardCharsets.UTF_8);
            default -> {
                String value = r.metadata(variable.substring(1, variable.length() - 1));
                yield value == null || value.isEmpty() ? null : value.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** 4 bytes for a client over IPv4 (null when the address has no IPv4 form), 16 over IPv6. */
    private static byte[] ipData(int family, InetSocketAddress address) {
        InetAddress a = address == null ? null : address.getAddress();
        if (a == null) {
            return null;
        }
        byte[] b = a.getAddress();
        if (family == 1) {
            return b.length == 4 ? b : null;
        }
        return b.length == 16 ? b : mapped(b);
    }

    private static byte[] portData(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        int p = address.getPort();
        return new byte[] {(byte) (p >>> 8), (byte) p};
    }

    /** The reply loses the option the rule added: the first one of {@code code} goes. */
    static ResponseRule remove(int code) {
        return new OptRevert(code, null);
    }

    /** The reply gets {@code old} back in place of the first option of its code. */
    static ResponseRule restore(EDNSOption old) {
        return new OptRevert(old.getCode(), old);
    }

    /** CoreDNS's edns0SetResponseRule and edns0ReplaceResponseRule, on the reply's OPT record. */
    private record OptRevert(int code, EDNSOption old) implements ResponseRule {

        @Override
        public Record apply(Reply reply, Record rr) {
            OPTRecord opt = reply.opt();
            if (opt == null) {
                return rr;
            }
            List<EDNSOption> options = opt.getOptions();
            for (int i = 0; i < options.size(); i++) {
                if (options.get(i).getCode() != code) {
                    continue;
                }
                List<EDNSOption> changed;
                if (old == null) {
                    changed = QueryOpt.withoutFirst(options, code);
                } else {
                    changed = new ArrayList<>(options);
                    changed.set(i, old);
                }
                OPTRecord now = QueryOpt.withOptions(opt, changed);
                reply.replace(opt, now);
                return rr == opt ? now : rr;
            }
            return rr;
        }

        @Override
        public boolean revertsQueryOpt() {
            return true;
        }
    }

    /** Parses the arguments after {@code edns0} (CoreDNS's newEdns0Rule, with its messages). */
    static Edns0Rule parse(boolean stop, List<String> argList) {
        List<String> args = argList;
        if (args.size() < 2) {
            throw new IllegalArgumentException("too few arguments for an EDNS0 rule");
        }
        String type = args.get(0).toLowerCase(Locale.ROOT);
        String actionName = args.get(1).toLowerCase(Locale.ROOT);
        Action action = switch (actionName) {
            case "set" -> Action.SET;
            case "append" -> Action.APPEND;
            case "replace" -> Action.REPLACE;
            case "unset" -> Action.UNSET;
            default -> throw new IllegalArgumentException("invalid action: \"" + actionName + "\"");
        };
        if (action == Action.UNSET) {
            return switch (type) {
                case "local" -> {
                    if (args.size() != 3) {
                        throw new IllegalArgumentException("local unset action requires exactly two arguments");
                    }
                    yield new Edns0Rule(stop, Kind.LOCAL, action, localCode(args.get(2)), new byte[0], null, 0, 0,
                            false);
                }
                case "nsid" -> {
                    if (args.size() != 2) {
                        throw new IllegalArgumentException("nsid unset action requires exactly one argument");
                    }
                    yield new Edns0Rule(stop, Kind.NSID, action, EDNSOption.Code.NSID, null, null, 0, 0, false);
                }
                case "subnet" -> {
                    if (args.size() != 2) {
                        throw new IllegalArgumentException("subnet unset action requires exactly one argument");
                    }
                    yield new Edns0Rule(stop, Kind.SUBNET, action, EDNSOption.Code.CLIENT_SUBNET, null, null, 0, 0,
                            false);
                }
                default -> throw new IllegalArgumentException("invalid rule type \"" + type + "\"");
            };
        }
        boolean revert = args.get(args.size() - 1).equals("revert");
        if (revert) {
            args = args.subList(0, args.size() - 1);
        }
        switch (type) {
            case "local" -> {
                if (args.size() != 4) {
                    throw new IllegalArgumentException("EDNS0 local rules require three or four args");
                }
                String value = args.get(3);
                int c = (int) GoNumbers.parseUint(args.get(2), 16);
                if (value.startsWith("{") && value.endsWith("}")) {
                    if (!validVariable(value)) {
                        throw new IllegalArgumentException("unsupported variable name \"" + value + "\"");
                    }
                    return new Edns0Rule(stop, Kind.VARIABLE, action, c, null, value, 0, 0, revert);
                }
                byte[] bytes = localData(value);
                return new Edns0Rule(stop, Kind.LOCAL, action, c, bytes, null, 0, 0, revert);
            }
            case "nsid" -> {
                if (args.size() != 2) {
                    throw new IllegalArgumentException("EDNS0 NSID rules can accept no more than one arg");
                }
                return new Edns0Rule(stop, Kind.NSID, action, EDNSOption.Code.NSID, null, null, 0, 0, revert);
            }
            case "subnet" -> {
                if (args.size() != 4) {
                    throw new IllegalArgumentException("EDNS0 subnet rules require three or four args");
                }
                long v4 = GoNumbers.parseUint(args.get(2), 16);
                if (v4 > 32) {
                    throw new IllegalArgumentException("invalid IPv4 bit mask length " + v4);
                }
                long v6 = GoNumbers.parseUint(args.get(3), 16);
                if (v6 > 128) {
                    throw new IllegalArgumentException("invalid IPv6 bit mask length " + v6);
                }
                return new Edns0Rule(stop, Kind.SUBNET, action, EDNSOption.Code.CLIENT_SUBNET, null, null, (int) v4,
                        (int) v6, revert);
            }
            default -> throw new IllegalArgumentException("invalid rule type \"" + type + "\"");
        }
    }

    /** The code of a local unset rule, {@code 0x...} or decimal as Go's {@code strconv.ParseUint(s, 0, 16)} reads it. */
    private static int localCode(String s) {
        return (int) GoNumbers.parseUint(s, 16);
    }

    /**
     * True for the rules whose option the server must echo in replies (every {@code local} rule's
     * code, as CoreDNS's {@code edns.SetSupportedOption}): the plugin declares it for the block.
     */
    boolean echoesCode() {
        return kind == Kind.LOCAL || kind == Kind.VARIABLE;
    }

    /** Data starting with {@code 0x} is hex, anything else the string's bytes. */
    private static byte[] localData(String s) {
        if (!s.startsWith("0x")) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return GoNumbers.decodeHex(s.substring(2));
    }

    /** The fixed variables, or a metadata label {@code {plugin/name}}. */
    private static boolean validVariable(String v) {
        switch (v) {
            case "{qname}", "{qtype}", "{client_ip}", "{client_port}", "{protocol}", "{server_ip}", "{server_port}" -> {
                return true;
            }
            default -> {
                String label = v.substring(1, v.length() - 1);
                int slash = label.indexOf('/');
                return slash > 0 && slash < label.length() - 1;
            }
        }
    }
}
