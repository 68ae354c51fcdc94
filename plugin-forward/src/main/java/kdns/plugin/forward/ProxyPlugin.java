package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;

/**
 * The {@code proxy} directive, a deprecated alias of {@code forward} for Corefiles written before
 * CoreDNS 1.6 removed it. It takes forward's syntax, maps the old proxy's block options onto
 * forward's where they have a meaning there, refuses the ones that cannot be mapped with a message
 * naming the modern form, logs one deprecation warning and then sets up exactly what
 * {@code forward} would (same handlers, same metrics).
 */
public final class ProxyPlugin implements Plugin {

    private static final Log LOG = Log.forPlugin("proxy");

    private final Consumer<String> warnings;

    public ProxyPlugin() {
        this(LOG::warning);
    }

    /** For tests: the deprecation warning goes to {@code warnings}. */
    ProxyPlugin(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public String description() {
        return "deprecated alias of forward (removed from CoreDNS in 1.6)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<Translation> translations = new ArrayList<>();
        List<Stanza> stanzas = new ArrayList<>();
        while (c.next()) {
            Translation t = new Translation();
            translations.add(t);
            stanzas.add(ForwardPlugin.parseStanza(c, t));
        }
        warnings.accept(warning(stanzas, translations));
        ForwardPlugin.install(c, stanzas);
    }

    /** The one deprecation line: the modern form of every stanza and what was translated. */
    static String warning(List<Stanza> stanzas, List<Translation> translations) {
        StringBuilder sb = new StringBuilder("'proxy' is deprecated (removed from CoreDNS in 1.6): use ");
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < stanzas.size(); i++) {
            Stanza s = stanzas.get(i);
            if (i > 0) {
                sb.append(" and ");
            }
            sb.append("'forward ").append(s.fromArg()).append(' ').append(String.join(" ", s.toArgs())).append('\'');
            notes.addAll(translations.get(i).notes);
        }
        if (!notes.isEmpty()) {
            sb.append(" (").append(String.join("; ", notes.stream().distinct().toList())).append(')');
        }
        return sb.toString();
    }

    /** The old proxy's block options, read for one stanza; forward's own options pass through. */
    static final class Translation implements ForwardPlugin.Dialect {

        final List<String> notes = new ArrayList<>();

        @Override
        public boolean option(Controller c, StanzaBuilder s) throws PluginException {
            switch (c.val()) {
                case "policy" -> {
                    String p = c.singleArg();
                    switch (p) {
                        case "always_first" -> {
                            s.policy = Policy.of("sequential");
                            notes.add("write 'policy sequential' for 'policy always_first'");
                        }
                        case "least_conn" -> throw c.err("proxy's 'policy least_conn' has no equivalent in forward: "
                                + "use 'forward " + s.fromArg + " ... { policy random|round_robin|sequential }'");
                        default -> {
                            Policy policy = Policy.of(p);
                            if (policy == null) {
                                throw c.err("unknown policy '" + p + "'");
                            }
                            s.policy = policy;
                        }
                    }
                    return true;
                }
                case "fail_timeout" -> {
                    String d = c.singleArg();
                    try {
                        Durations.parse(d);
                    } catch (IllegalArgumentException e) {
                        throw c.err("fail_timeout: " + e.getMessage());
                    }
                    if (c.nextArg()) {
                        throw c.argErr();
                    }
                    notes.add("fail_timeout is ignored: forward health-checks a failed upstream until it answers "
                            + "again (see health_check)");
                    return true;
                }
                case "health_check" -> {
                    String first = c.singleArg();
                    boolean isDuration;
                    try {
                        Durations.parse(first);
                        isDuration = true;
                    } catch (IllegalArgumentException e) {
                        isDuration = false;
                    }
                    if (!isDuration && first.indexOf(':') >= 0) {
                        throw c.err("proxy's HTTP 'health_check " + first + "' cannot be mapped: forward checks "
                                + "upstreams with DNS queries; drop it or use 'forward " + s.fromArg
                                + " ... { health_check DURATION }'");
                    }
                    ForwardPlugin.healthCheck(c, s, first);
                    return true;
                }
                case "spray" -> {
                    ForwardPlugin.noArgs(c);
                    notes.add("spray is what forward does when every upstream is down; drop it");
                    return true;
                }
                case "report_health" -> {
                    ForwardPlugin.noArgs(c);
                    notes.add("report_health is ignored");
                    return true;
                }
                case "protocol" -> {
                    List<String> args = c.remainingArgs();
                    if (args.isEmpty()) {
                        throw c.argErr();
                    }
                    switch (args.get(0)) {
                        case "dns" -> {
                            if (args.size() == 2 && args.get(1).equals("force_tcp")) {
                                s.forceTcp = true;
                                notes.add("write 'force_tcp' for 'protocol dns force_tcp'");
                            } else if (args.size() > 1) {
                                throw c.err("only force_tcp allowed as parameter to dns");
                            } else {
                                notes.add("'protocol dns' is forward's default; drop it");
                            }
                        }
                        case "https_google" -> throw c.err("proxy's 'protocol https_google' cannot be mapped: it "
                                + "spoke Google's JSON API, forward speaks RFC 8484; use DNS over HTTPS: 'forward "
                                + s.fromArg + " https://8.8.8.8 https://8.8.4.4 { tls_servername dns.google }'");
                        case "grpc" -> throw c.err("proxy's 'protocol grpc' cannot be mapped: forward has no "
                                + "gRPC upstreams; use the grpc plugin: 'grpc " + s.fromArg + " "
                                + String.join(" ", s.toArgs) + "'");
                        default -> throw c.err("invalid protocol: " + args.get(0));
                    }
                    return true;
                }
                default -> {
                    return false; // forward's own option (except, max_fails, force_tcp, ...) or an unknown one
                }
            }
        }
    }
}
