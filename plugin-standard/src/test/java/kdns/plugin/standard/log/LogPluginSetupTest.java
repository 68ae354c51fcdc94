package kdns.plugin.standard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class LogPluginSetupTest {

    private static List<LogRule> parse(String text) throws PluginException {
        return LogPlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void noArgumentsLogsEverythingInTheCommonFormat() throws Exception {
        List<LogRule> rules = parse("log");
        assertEquals(1, rules.size());
        assertEquals(".", rules.get(0).scope());
        assertEquals(LogFormat.COMMON, rules.get(0).format().text());
        assertEquals(EnumSet.of(ResponseClass.ALL), rules.get(0).classes());
        assertEquals(0, rules.get(0).minDurationNanos());
    }

    @Test
    void oneArgumentIsAName() throws Exception {
        List<LogRule> rules = parse("log Example.ORG");
        assertEquals("example.org.", rules.get(0).scope());
        assertEquals(LogFormat.COMMON, rules.get(0).format().text());
        // Even when it looks like a format: CoreDNS reads a single argument as a name.
        assertEquals("{common}.", parse("log {common}").get(0).scope());
    }

    @Test
    void severalNamesWithoutFormat() throws Exception {
        List<LogRule> rules = parse("log example.org example.net");
        assertEquals(List.of("example.org.", "example.net."), rules.stream().map(LogRule::scope).toList());
        assertEquals(LogFormat.COMMON, rules.get(1).format().text());
    }

    @Test
    void lastArgumentWithABraceIsTheFormat() throws Exception {
        List<LogRule> rules = parse("log . \"{proto} Request: {name} {type} {>id}\"");
        assertEquals(1, rules.size());
        assertEquals("{proto} Request: {name} {type} {>id}", rules.get(0).format().text());
        assertEquals(List.of(LogFormat.Label.PROTO, LogFormat.Label.NAME, LogFormat.Label.TYPE, LogFormat.Label.ID),
                rules.get(0).format().labels());
    }

    @Test
    void commonAndCombinedShortcuts() throws Exception {
        assertEquals(LogFormat.COMMON, parse("log . {common}").get(0).format().text());
        List<LogRule> rules = parse("log a.org b.org {combined}");
        assertEquals(2, rules.size());
        assertEquals(LogFormat.COMBINED, rules.get(0).format().text());
        assertEquals(LogFormat.COMBINED, rules.get(1).format().text());
        assertEquals(LogFormat.COMMON + " \"{>opcode}\"", LogFormat.COMBINED);
    }

    @Test
    void classBlock() throws Exception {
        assertEquals(EnumSet.of(ResponseClass.DENIAL), parse("log {\n class denial\n}").get(0).classes());
        assertEquals(EnumSet.of(ResponseClass.DENIAL, ResponseClass.ERROR),
                parse("log . {combined} {\n class denial error\n}").get(0).classes());
        assertEquals(EnumSet.of(ResponseClass.DENIAL, ResponseClass.SUCCESS),
                parse("log . {\n class denial\n class success\n}").get(0).classes());
        assertEquals(EnumSet.of(ResponseClass.ALL, ResponseClass.ERROR),
                parse("log . {\n class all error\n}").get(0).classes());
        // The block applies to every name of its directive.
        List<LogRule> rules = parse("log a.org b.org {\n class error\n}");
        assertEquals(EnumSet.of(ResponseClass.ERROR), rules.get(1).classes());
    }

    @Test
    void classErrors() {
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'class'",
                error("log {\n class\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid Class: bogus", error("log {\n class bogus\n}"));
    }

    @Test
    void minDuration() throws Exception {
        assertEquals(100_000_000L, parse("log {\n minDuration\n}").get(0).minDurationNanos());
        assertEquals(1_500_000_000L, parse("log . {\n class error\n minDuration 1.5s\n}").get(0).minDurationNanos());
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after '2s'",
                error("log {\n minDuration 1s 2s\n}"));
        assertEquals("Corefile:2 - Error during parsing: Illegal duration found: 'soon'",
                error("log {\n minDuration soon\n}"));
        assertEquals("Corefile:2 - Error during parsing: Illegal duration found: '5'",
                error("log {\n minDuration 5\n}"));
    }

    @Test
    void unknownProperty() {
        assertEquals("Corefile:2 - Error during parsing: unknown property 'format'",
                error("log {\n format x\n}"));
    }

    @Test
    void severalDirectivesAddRulesInOrder() throws Exception {
        List<LogRule> rules = parse("log example.org {\n class denial\n}\nlog");
        assertEquals(2, rules.size());
        assertEquals("example.org.", rules.get(0).scope());
        assertEquals(EnumSet.of(ResponseClass.DENIAL), rules.get(0).classes());
        assertEquals(".", rules.get(1).scope());
        assertEquals(EnumSet.of(ResponseClass.ALL), rules.get(1).classes());
    }

    private static final String DEPRECATED = "'log stdout' is deprecated (queries are always logged to standard "
            + "output; the FILE argument of old CoreDNS releases is gone): use ";

    private static List<String> warnings(String text) throws PluginException {
        List<String> w = new ArrayList<>();
        LogPlugin.parse(TestController.of(text), w::add);
        return w;
    }

    @Test
    void oldStdoutLogsEveryQueryWithOneWarning() throws Exception {
        List<LogRule> rules = parse("log stdout");
        assertEquals(1, rules.size());
        assertEquals(".", rules.get(0).scope());
        assertEquals(LogFormat.COMMON, rules.get(0).format().text());
        assertEquals(List.of(DEPRECATED + "'log'"), warnings("log stdout"));
        assertEquals(List.of(), warnings("log"), "the modern form warns about nothing");
        assertEquals(List.of(), warnings("log example.org"));
    }

    @Test
    void oldNameStdoutFormat() throws Exception {
        List<LogRule> rules = parse("log example.org stdout");
        assertEquals(List.of("example.org."), rules.stream().map(LogRule::scope).toList());
        assertEquals(List.of(DEPRECATED + "'log example.org'"), warnings("log example.org stdout"));

        rules = parse("log . stdout \"{proto} Request: {name} {type} {>id}\"");
        assertEquals(1, rules.size());
        assertEquals(".", rules.get(0).scope());
        assertEquals("{proto} Request: {name} {type} {>id}", rules.get(0).format().text());
        assertEquals(List.of(DEPRECATED + "'log . \"{proto} Request: {name} {type} {>id}\"'"),
                warnings("log . stdout \"{proto} Request: {name} {type} {>id}\""));

        // log stdout FORMAT: every name in that format.
        rules = parse("log stdout {combined}");
        assertEquals(".", rules.get(0).scope());
        assertEquals(LogFormat.COMBINED, rules.get(0).format().text());
        assertEquals(List.of(DEPRECATED + "'log . {combined}'"), warnings("log stdout {combined}"));

        // The block still applies.
        rules = parse("log example.org stdout {\n class denial\n}");
        assertEquals("example.org.", rules.get(0).scope());
        assertEquals(EnumSet.of(ResponseClass.DENIAL), rules.get(0).classes());
    }

    @Test
    void severalOldDirectivesGiveOneWarning() throws Exception {
        assertEquals(List.of(DEPRECATED + "'log example.org' and 'log'"),
                warnings("log example.org stdout {\n class denial\n}\nlog stdout"));
    }

    @Test
    void aFileOtherThanStdoutIsRefused() {
        assertEquals("Corefile:1 - Error during parsing: kdns logs to standard output only: drop the file argument "
                + "'/var/log/coredns.log' (write 'log')", error("log /var/log/coredns.log"));
        assertEquals("Corefile:1 - Error during parsing: kdns logs to standard output only: drop the file argument "
                + "'queries.log' (write 'log example.org {common}')", error("log example.org queries.log {common}"));
        assertTrue(error("log . ./dns.txt").contains("drop the file argument './dns.txt'"));
        assertTrue(error("log stderr").contains("drop the file argument 'stderr'"));
        assertTrue(error("log . syslog").contains("drop the file argument 'syslog'"));
    }

    @Test
    void pluginIdentity() {
        assertEquals("log", new LogPlugin().name());
        assertTrue(!new LogPlugin().description().isBlank());
    }
}
