package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.testing.DnsClient;
import kdns.testing.cases.CaseCheck;
import kdns.testing.cases.CaseFiles;
import kdns.testing.cases.CaseRunner;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.upstream.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Every case of cases/plugins.json (CoreDNS plugin behaviour and whole real-world Corefiles)
 * against dist/kdns as a black box, run the way the file's {@code harness} says: one kdns per
 * distinct (corefile, files) and one per real Corefile, each with its own next-plugin stub (a
 * {@link ScriptedUpstream} reached through {@code forward}), started once and reused by its cases.
 * A server whose Corefile uses a plugin that {@code kdns -plugins} does not list is not started and
 * its cases are reported as skipped, naming the missing plugins; so is a server that kdns refuses
 * because it uses an option kdns does not support yet (kdns's own message is the reason).
 */
class PluginCasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER_NAME = "kdns-acceptance-next.invalid.";
    private static final String MARKER_TXT = "kdns-acceptance-next-plugin";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration NOREPLY_WAIT = Duration.ofSeconds(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private static final List<Server> OPEN = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stopAll() {
        for (Server s : OPEN) {
            s.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> everyCase() throws Exception {
        JsonNode root = CaseFiles.read("plugins.json");
        Set<String> available = availablePlugins();
        Map<String, Server> byKey = new LinkedHashMap<>();
        for (JsonNode c : root.get("cases")) {
            boolean full = c.has("corefile_full");
            String corefile = c.get(full ? "corefile_full" : "corefile").asText();
            JsonNode files = c.path("files");
            String key = (full ? "full\n" : "body\n") + corefile + "\n" + files;
            byKey.computeIfAbsent(key, k -> new Server(
                    c.get("plugin").asText() + " #" + (byKey.size() + 1) + ": " + firstLine(corefile),
                    !full, corefile, files, JSON.missingNode(), JSON.missingNode(), available)).cases.add(c);
        }
        List<Server> servers = new ArrayList<>(byKey.values());
        for (JsonNode rc : root.get("real_corefiles")) {
            Server s = new Server("real_corefiles " + rc.get("name").asText(), false, rc.get("corefile").asText(),
                    rc.path("files"), rc.path("upstream"), root.path("k8s_objects"), available);
            rc.get("cases").forEach(s.cases::add);
            servers.add(s);
        }
        // Cases that rewrite files (reload) go last, so the others see the files as written.
        int[] id = {4096};
        for (Server s : servers) {
            s.cases.stream().filter(c -> !c.has("before")).forEach(c -> s.ordered.add(new Numbered(c, id[0]++)));
            s.cases.stream().filter(c -> c.has("before")).forEach(c -> s.ordered.add(new Numbered(c, id[0]++)));
        }
        return RUNNER.tests(servers);
    }

    /** A case with the query id it sends. */
    private record Numbered(JsonNode c, int queryId) {
    }

    /** Each server is started at its first case and stopped after its last. */
    private static final CaseRunner<Server, Numbered, Server> RUNNER = new CaseRunner<>(s -> s.label, s -> s.ordered,
            n -> n.c().get("id").asText(), s -> {
                s.ensureStarted();
                return s;
            }, (s, n) -> {
                Assumptions.assumeTrue(s.skipReason == null, () -> s.skipReason);
                if (s.failure != null) {
                    fail("[" + n.c().get("id").asText() + "] " + s.failure);
                }
                runCase(s, n.c(), n.queryId());
            });

    private static String firstLine(String s) {
        String l = s.strip().lines().findFirst().orElse("");
        return l.length() > 60 ? l.substring(0, 60) + "..." : l;
    }

    private static Set<String> availablePlugins() throws Exception {
        Path tmp = Files.createTempDirectory("kdns-plugins");
        KdnsProcess.Result r = KdnsProcess.runToEnd(tmp, Map.of(), "-plugins");
        Set<String> names = new TreeSet<>();
        r.output().lines().map(String::strip).filter(l -> l.startsWith("dns.")).forEach(l -> names.add(l.substring(4)));
        assertTrue(!names.isEmpty(), "kdns -plugins listed no plugins:\n" + r.output());
        return names;
    }

    // ---------------------------------------------------------------------------- one case

    private static void runCase(Server s, JsonNode c, int queryId) throws Exception {
        if (c.has("before")) {
            s.applyBefore(c.get("before"));
        }
        String id = "[" + c.get("id").asText() + "] ";
        Message query = query(c, queryId);
        boolean tcp = "tcp".equals(c.path("transport").asText("udp"));
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.port);
        if (c.get("rcode").asText().equals("NOREPLY")) {
            byte[] got = noReply(server, query.toWire(), tcp);
            assertTrue(got == null, () -> id + "want no reply within " + NOREPLY_WAIT.toSeconds() + " s, got:\n" + parse(got));
            return;
        }
        Message reply = ask(server, query, tcp);
        List<String> diffs = check(c, reply);
        assertTrue(diffs.isEmpty(), () -> id + String.join("\n", diffs) + "\n-- reply:\n" + reply);
    }

    /** A case's query: its name, type and class, RD unless rd is false, an OPT record only with 'edns'. */
    static Message query(JsonNode c, int queryId) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(c.get("qname").asText()),
                Type.value(c.get("qtype").asText()), DClass.value(c.path("qclass").asText("IN"))));
        query.getHeader().setID(queryId & 0xffff);
        if (c.has("rd") && !c.get("rd").asBoolean()) {
            query.getHeader().unsetFlag(Flags.RD);
        }
        if (c.has("edns")) {
            JsonNode e = c.get("edns");
            List<EDNSOption> options = new ArrayList<>();
            for (JsonNode o : e.path("options")) {
                options.add(new GenericEDNSOption(o.get("code").asInt(), HexFormat.of().parseHex(o.path("data").asText(""))));
            }
            query.addRecord(new OPTRecord(e.path("udp").asInt(1232), 0, 0,
                    e.path("do").asBoolean(false) ? ExtendedFlags.DO : 0, options), Section.ADDITIONAL);
        }
        return query;
    }

    /** How {@code reply} differs from what case {@code c} expects (empty: the case passes). */
    static List<String> check(JsonNode c, Message reply) throws IOException {
        String qname = c.get("qname").asText();
        int qtype = Type.value(c.get("qtype").asText());
        int qclass = DClass.value(c.path("qclass").asText("IN"));
        String rcode = c.get("rcode").asText();
        List<String> diffs = new ArrayList<>();
        Record q = reply.getQuestion();
        boolean exact = !qname.equals(qname.toLowerCase(Locale.ROOT)); // a 0x20 query: its spelling comes back
        if (q == null || !(exact ? q.getName().toString().equals(qname) : q.getName().toString().equalsIgnoreCase(qname))
                || q.getType() != qtype || q.getDClass() != qclass) {
            diffs.add("question: got " + q + ", want " + qname + " " + Type.string(qtype) + " " + DClass.string(qclass));
        }
        if (rcode.equals("NEXT")) {
            diffs.addAll(markerDifferences(reply, qname, qtype, qclass));
            return diffs;
        }
        CaseCheck.Expected want = new CaseCheck.Expected(rcode, CaseFiles.strings(c, "answer"), CaseFiles.strings(c, "ns"),
                CaseFiles.strings(c, "extra"));
        diffs.addAll(CaseCheck.differences(reply, want, CaseCheck.Options.forQuery(qname, c.has("qclass"))));
        Map<String, Boolean> flags = new LinkedHashMap<>();
        c.path("flags").fields().forEachRemaining(f -> flags.put(f.getKey(), f.getValue().asBoolean()));
        diffs.addAll(CaseCheck.flagDifferences(reply, flags));
        if (!flags.containsKey("aa")) {
            diffs.addAll(CaseCheck.aaDifferences(reply));
        }
        if (c.has("reply_edns")) {
            JsonNode e = c.get("reply_edns");
            Map<Integer, String> options = null;
            if (e.has("options")) {
                options = new HashMap<>();
                for (var it = e.get("options").fields(); it.hasNext();) {
                    var o = it.next();
                    options.put(Integer.parseInt(o.getKey()), o.getValue().isNull() ? null : o.getValue().asText());
                }
            }
            diffs.addAll(CaseCheck.ednsDifferences(reply, new CaseCheck.EdnsExpectation(
                    e.has("present") ? e.get("present").asBoolean() : null,
                    e.has("udp") ? e.get("udp").asInt() : null, options)));
        }
        return diffs;
    }

    /** UDP unless TCP is asked for; a truncated UDP reply is asked again over TCP. */
    private static Message ask(InetSocketAddress server, Message query, boolean tcp) throws IOException {
        if (!tcp) {
            Message reply = new Message(DnsClient.udpRaw(server, query.toWire(), QUERY_TIMEOUT));
            if (!reply.getHeader().getFlag(Flags.TC)) {
                return reply;
            }
        }
        return new Message(DnsClient.tcpRaw(server, query.toWire(), QUERY_TIMEOUT));
    }

    /** The reply, or null when none arrives within {@link #NOREPLY_WAIT} (or TCP is closed unanswered). */
    private static byte[] noReply(InetSocketAddress server, byte[] wire, boolean tcp) throws IOException {
        try {
            return tcp ? DnsClient.tcpRaw(server, wire, NOREPLY_WAIT) : DnsClient.udpRaw(server, wire, NOREPLY_WAIT);
        } catch (SocketTimeoutException | EOFException e) {
            return null;
        }
    }

    private static String parse(byte[] wire) {
        try {
            return new Message(wire).toString();
        } catch (IOException e) {
            return "(" + wire.length + " bytes that do not parse: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------- the next plugin

    /** The marker the stub answers a NEXT case's name with. */
    static Record marker(Name name, int qtype, int dclass) {
        try {
            Name target = Name.fromString(MARKER_NAME);
            return switch (qtype) {
                case Type.A -> new ARecord(name, dclass, 5, InetAddress.getByName("192.0.2.53"));
                case Type.AAAA -> new AAAARecord(name, dclass, 5, InetAddress.getByName("2001:db8::53"));
                case Type.PTR -> new PTRRecord(name, dclass, 5, target);
                case Type.CNAME -> new CNAMERecord(name, dclass, 5, target);
                case Type.NS -> new NSRecord(name, dclass, 5, target);
                case Type.SRV -> new SRVRecord(name, dclass, 5, 0, 0, 53, target);
                default -> new TXTRecord(name, dclass, 5, MARKER_TXT);
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> markerDifferences(Message reply, String qname, int qtype, int qclass)
            throws IOException {
        List<String> diffs = new ArrayList<>();
        Record want = marker(Name.fromString(qname), qtype, qclass);
        if (reply.getRcode() != Rcode.NOERROR) {
            diffs.add("rcode: got " + Rcode.string(reply.getRcode()) + ", want the next plugin's marker reply (NOERROR)");
        }
        List<Record> answer = reply.getSection(Section.ANSWER);
        boolean ok = answer.size() == 1 && answer.get(0).getType() == want.getType()
                && answer.get(0).getName().equals(want.getName())
                && answer.get(0).rdataToString().equalsIgnoreCase(want.rdataToString());
        if (!ok) {
            diffs.add("answer: want only the next plugin's marker " + want.getName() + " " + Type.string(want.getType())
                    + " " + want.rdataToString() + " (the plugin must pass the query on), got " + answer);
        }
        return diffs;
    }

    /** The stub of one server: what its cases (and the server's own 'upstream') need from the next plugin. */
    static ScriptedUpstream.Script stubScript(List<JsonNode> cases, JsonNode serverUpstream) {
        Map<String, JsonNode> upstream = new HashMap<>();
        Set<String> echo = new LinkedHashSet<>();
        Set<String> next = new LinkedHashSet<>();
        addUpstream(serverUpstream, upstream);
        for (JsonNode c : cases) {
            addUpstream(c.path("upstream"), upstream);
            c.path("echo").forEach(n -> echo.add(n.asText().toLowerCase(Locale.ROOT)));
            if (c.get("rcode").asText().equals("NEXT")) {
                next.add(c.get("qname").asText().toLowerCase(Locale.ROOT));
            }
        }
        return stubScript(upstream, echo, next);
    }

    private static void addUpstream(JsonNode u, Map<String, JsonNode> into) {
        for (var it = u.fields(); it.hasNext();) {
            var e = it.next();
            String[] k = e.getKey().trim().split("\\s+");
            into.put(k[0].toLowerCase(Locale.ROOT) + " " + k[1].toUpperCase(Locale.ROOT), e.getValue());
        }
    }

    /** What the stub answers, as harness."rcode NEXT", conventions.upstream and conventions.echo say. */
    private static ScriptedUpstream.Script stubScript(Map<String, JsonNode> upstream, Set<String> echo, Set<String> next) {
        return (query, via) -> {
            Message m = ScriptedUpstream.replyTo(query);
            Record q = query.getQuestion();
            if (q == null) {
                m.getHeader().setRcode(Rcode.SERVFAIL);
                return m;
            }
            String name = q.getName().toString().toLowerCase(Locale.ROOT);
            JsonNode spec = upstream.get(name + " " + Type.string(q.getType()));
            if (spec != null) {
                boolean aa = true;
                if (spec.isArray()) {
                    spec.forEach(r -> m.addRecord(CaseCheck.parse(r.asText()), Section.ANSWER));
                } else {
                    m.getHeader().setRcode(Rcode.value(spec.path("rcode").asText("NOERROR")));
                    spec.path("answer").forEach(r -> m.addRecord(CaseCheck.parse(r.asText()), Section.ANSWER));
                    spec.path("ns").forEach(r -> m.addRecord(CaseCheck.parse(r.asText()), Section.AUTHORITY));
                    spec.path("extra").forEach(r -> m.addRecord(CaseCheck.parse(r.asText()), Section.ADDITIONAL));
                    aa = spec.path("aa").asBoolean(true);
                }
                if (aa) {
                    m.getHeader().setFlag(Flags.AA);
                }
            } else if (echo.contains(name)) {
                m.getHeader().setFlag(Flags.AA);
                m.addRecord(new TXTRecord(q.getName(), DClass.IN, 5, echoStrings(query)), Section.ANSWER);
            } else if (next.contains(name)) {
                m.getHeader().setFlag(Flags.AA);
                m.addRecord(marker(q.getName(), q.getType(), q.getDClass()), Section.ANSWER);
            } else {
                m.getHeader().setRcode(Rcode.SERVFAIL);
            }
            return m;
        };
    }

    /** The echo TXT strings: qname, qtype, qclass, rd, then edns=none or udp, do and each option. */
    static List<String> echoStrings(Message query) {
        Record q = query.getQuestion();
        List<String> s = new ArrayList<>(List.of("qname=" + q.getName(), "qtype=" + Type.string(q.getType()),
                "qclass=" + DClass.string(q.getDClass()), "rd=" + (query.getHeader().getFlag(Flags.RD) ? 1 : 0)));
        OPTRecord opt = query.getOPT();
        if (opt == null) {
            s.add("edns=none");
        } else {
            s.add("udp=" + opt.getPayloadSize());
            s.add("do=" + ((opt.getFlags() & ExtendedFlags.DO) != 0 ? 1 : 0));
            for (EDNSOption o : opt.getOptions()) {
                s.add("opt" + o.getCode() + "=" + CaseCheck.optionData(o));
            }
        }
        return s;
    }

    // ------------------------------------------------------------------------ a server

    /** One kdns process (with its stub, and a fake API server when the Corefile needs one). */
    private static final class Server implements AutoCloseable {
        final String label;
        final boolean body;
        final String corefile;
        final JsonNode files;
        final JsonNode serverUpstream;
        final JsonNode k8sObjects;
        final Set<String> available;
        final List<JsonNode> cases = new ArrayList<>();
        final List<Numbered> ordered = new ArrayList<>();

        boolean prepared;
        String skipReason;
        String failure;
        Path dir;
        int port;
        int readyPort;
        int healthPort;
        int metricsPort;
        ScriptedUpstream stub;
        FakeApiServer api;
        KdnsProcess kdns;
        String lastBefore;

        Server(String label, boolean body, String corefile, JsonNode files, JsonNode serverUpstream,
                JsonNode k8sObjects, Set<String> available) {
            this.label = label;
            this.body = body;
            this.corefile = corefile;
            this.files = files;
            this.serverUpstream = serverUpstream;
            this.k8sObjects = k8sObjects;
            this.available = available;
        }

        /** A case needs the next plugin: rcode NEXT, 'upstream', 'echo', or a class other than IN. */
        private boolean needsNext() {
            return cases.stream().anyMatch(c -> c.get("rcode").asText().equals("NEXT") || c.has("upstream")
                    || c.has("echo") || c.has("qclass") && !c.get("qclass").asText().equals("IN"));
        }

        /** The Corefile with placeholders: a body goes into '.:PORT { bind; ready; body; [forward] }'. */
        private String corefileTemplate() {
            if (!body) {
                return corefile;
            }
            StringBuilder b = new StringBuilder(".:@PORT@ {\n");
            if (available.contains("bind")) {
                b.append("bind 127.0.0.1\n");
            }
            if (available.contains("ready")) {
                b.append("ready 127.0.0.1:@READY@\n");
            }
            b.append(corefile).append('\n');
            if (needsNext()) {
                b.append("forward . 127.0.0.1:@STUB@\n");
            }
            return b.append("}\n").toString();
        }

        private String fill(String s) {
            return s.replace("@PORT@", String.valueOf(port)).replace("@READY@", String.valueOf(readyPort))
                    .replace("@HEALTH@", String.valueOf(healthPort)).replace("@METRICS@", String.valueOf(metricsPort))
                    .replace("@STUB@", String.valueOf(stub.port()))
                    .replace("@KUBECONFIG@", dir.resolve("kube/kubeconfig").toString())
                    .replace("@DIR@", dir.toString());
        }

        private void writeFiles(JsonNode fs) throws IOException {
            for (var it = fs.fields(); it.hasNext();) {
                var f = it.next();
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, fill(f.getValue().asText()));
            }
        }

        void ensureStarted() throws Exception {
            if (prepared) {
                return;
            }
            prepared = true;
            OPEN.add(this);
            dir = Files.createTempDirectory("kdns-plugin-cases");
            port = KdnsProcess.freePort();
            readyPort = KdnsProcess.freePort();
            healthPort = KdnsProcess.freePort();
            metricsPort = KdnsProcess.freePort();
            stub = ScriptedUpstream.start();
            stub.script(stubScript(cases, serverUpstream));

            String text = fill(corefileTemplate());
            writeFiles(files);
            Files.writeString(dir.resolve("Corefile"), text);

            Set<String> used = CorefileDirectives.of(text, dir);
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(available);
            if (!missing.isEmpty()) {
                skipReason = (missing.size() == 1 ? "plugin " : "plugins ") + String.join(", ", missing)
                        + " not in this distribution";
                close();
                return;
            }
            if (text.contains("127.0.0.2")) {
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
                        ServerSocket t = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
                    // 127.0.0.2 is usable
                } catch (IOException e) {
                    skipReason = "this Corefile binds 127.0.0.2, which cannot be bound here: " + e.getMessage();
                    close();
                    return;
                }
            }
            if (text.contains(dir.resolve("kube/kubeconfig").toString())) {
                api = FakeApiServer.start();
                api.loadObjects(k8sObjects);
                api.kubeconfig(dir.resolve("kube"));
            }
            kdns = KdnsProcess.start(dir, port);
            awaitUp(used.contains("ready") && text.contains("127.0.0.1:" + readyPort));
        }

        /** GET /ready = 200 (when the Corefile has ready), then the first DNS answer; bounded. */
        private void awaitUp(boolean ready) throws Exception {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            boolean isReady = !ready;
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
            byte[] probe = Message.newQuery(Record.newRecord(Name.fromString("kdns-acceptance-probe.invalid."),
                    Type.A, DClass.IN)).toWire();
            while (System.nanoTime() < deadline) {
                if (!kdns.process().isAlive()) {
                    exited();
                    return;
                }
                if (!isReady) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + readyPort + "/ready")).timeout(Duration.ofSeconds(2))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        isReady = r.statusCode() == 200;
                    } catch (IOException e) {
                        // not listening yet
                    }
                }
                if (isReady) {
                    try {
                        DnsClient.udpRaw(addr, probe, Duration.ofMillis(500));
                        return;
                    } catch (IOException e) {
                        // not answering yet
                    }
                }
                Thread.sleep(100);
            }
            failure = "kdns was not " + (isReady ? "answering" : "ready") + " within " + START_TIMEOUT.toSeconds()
                    + " s:\n" + tail(kdns.output());
            close();
        }

        private void exited() throws IOException {
            String out = kdns.output();
            for (String line : out.lines().toList()) {
                if (line.contains("not supported by kdns yet")) {
                    skipReason = "kdns refuses this Corefile: " + line.strip();
                    close();
                    return;
                }
            }
            failure = "kdns exited with " + kdns.process().exitValue() + " before it was up:\n" + tail(out);
            close();
        }

        private static String tail(String s) {
            return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
        }

        /** Rewrites the files of a 'before' and waits its wait_s (once for the same 'before'). */
        void applyBefore(JsonNode before) throws Exception {
            String key = before.toString();
            if (key.equals(lastBefore)) {
                return; // the same files were written and waited for by the previous case
            }
            writeFiles(before.path("files"));
            long wait = Math.min(before.path("wait_s").asLong(0), 30);
            TimeUnit.SECONDS.sleep(wait);
            lastBefore = key;
        }

        @Override
        public void close() {
            if (kdns != null) {
                kdns.stop(STOP_GRACE); // not the Corefile's lameduck (up to 20 s): the cases are done
            }
            if (stub != null) {
                stub.close();
            }
            if (api != null) {
                api.close();
            }
        }
    }

    // ----------------------------------------------------------- directives of a Corefile

    /**
     * The directives a Corefile uses: the first token of each line inside a server block, with
     * {@code import}ed files (relative globs) expanded: at the top level as server blocks, inside a
     * block as directive lines.
     */
    static final class CorefileDirectives {

        record Tok(String text, int line, boolean quoted) {
            boolean is(String s) {
                return !quoted && text.equals(s);
            }
        }

        static Set<String> of(String corefile, Path dir) throws IOException {
            Set<String> out = new TreeSet<>();
            top(tokens(corefile), dir, out, 0);
            return out;
        }

        private static void top(List<Tok> t, Path dir, Set<String> out, int depth) throws IOException {
            int i = 0;
            while (i < t.size()) {
                if (t.get(i).is("import") && i + 1 < t.size()) {
                    for (Path p : glob(dir, t.get(i + 1).text())) {
                        if (depth < 10) {
                            top(tokens(Files.readString(p)), dir, out, depth + 1);
                        }
                    }
                    i += 2;
                    continue;
                }
                while (i < t.size() && !t.get(i).is("{")) {
                    i++; // server keys
                }
                i = body(t, i + 1, dir, out, depth);
            }
        }

        /** Directive lines from {@code i} to the closing brace (or the end); returns the index after it. */
        private static int body(List<Tok> t, int i, Path dir, Set<String> out, int depth) throws IOException {
            while (i < t.size()) {
                Tok d = t.get(i);
                if (d.is("}")) {
                    return i + 1;
                }
                i++;
                if (d.is("import")) {
                    if (i < t.size() && depth < 10) {
                        for (Path p : glob(dir, t.get(i).text())) {
                            body(tokens(Files.readString(p)), 0, dir, out, depth + 1);
                        }
                    }
                } else {
                    out.add(d.text());
                }
                while (i < t.size() && t.get(i).line() == d.line() && !t.get(i).is("}")) {
                    if (t.get(i).is("{")) {
                        int level = 1;
                        i++;
                        while (i < t.size() && level > 0) {
                            if (t.get(i).is("{")) {
                                level++;
                            } else if (t.get(i).is("}")) {
                                level--;
                            }
                            i++;
                        }
                        break;
                    }
                    i++;
                }
            }
            return i;
        }

        private static List<Path> glob(Path dir, String pattern) throws IOException {
            Path p = dir.resolve(pattern);
            Path parent = p.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                return List.of();
            }
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
            try (Stream<Path> s = Files.list(parent)) {
                return s.filter(f -> m.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
            }
        }

        /** Caddy's lexer, enough for directives: whitespace-separated, quotes, # comments to end of line. */
        static List<Tok> tokens(String s) {
            List<Tok> out = new ArrayList<>();
            int line = 1;
            int i = 0;
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < n && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '"' || c == '`') {
                    int start = line;
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (i < n && s.charAt(i) != c) {
                        if (c == '"' && s.charAt(i) == '\\' && i + 1 < n && s.charAt(i + 1) == '"') {
                            i++;
                        }
                        if (s.charAt(i) == '\n') {
                            line++;
                        }
                        b.append(s.charAt(i));
                        i++;
                    }
                    i++;
                    out.add(new Tok(b.toString(), start, true));
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(s.charAt(i))) {
                        i++;
                    }
                    out.add(new Tok(s.substring(start, i), line, false));
                }
            }
            return out;
        }
    }
}
