package kdns.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * monitoring/: promtool checks the alerting rules and runs their unit tests; the dashboard is a
 * Grafana dashboard whose panels all query Prometheus. That the metric names and labels are the ones
 * kdns exports is checked against a live scrape in e2e (OperatorsKitTest).
 */
class MonitoringTest {

    static Path monitoring() {
        return Charts.root().resolve("monitoring");
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        Charts.requireTool("promtool", "prometheus");
        Charts.Result r = Charts.run(List.of("promtool", "check", "rules", monitoring().resolve("kdns-alerts.yaml").toString()));
        Charts.assertSuccess(r, "promtool check rules");
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        Charts.requireTool("promtool", "prometheus");
        Charts.Result r = Charts.run(List.of("promtool", "test", "rules",
                monitoring().resolve("kdns-alerts.test.yaml").toString()));
        Charts.assertSuccess(r, "promtool test rules");
    }

    /** Every alert of the rules file is exercised by at least one firing expectation of the tests. */
    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsTested() throws Exception {
        Set<String> alerts = new HashSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(monitoring().resolve("kdns-alerts.yaml")));
        for (Map<String, Object> g : Y.maps(rules, "groups")) {
            for (Map<String, Object> rule : Y.maps(g, "rules")) {
                alerts.add((String) rule.get("alert"));
                assertTrue(Y.map(rule, "labels").containsKey("severity"), rule.toString());
                assertTrue(Y.map(rule, "annotations").keySet().containsAll(Set.of("summary", "description")), rule.toString());
            }
        }
        Set<String> fired = new HashSet<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(monitoring().resolve("kdns-alerts.test.yaml")));
        for (Map<String, Object> t : Y.maps(tests, "tests")) {
            for (Map<String, Object> a : Y.maps(t, "alert_rule_test")) {
                if (!((List<Object>) a.get("exp_alerts")).isEmpty()) {
                    fired.add((String) a.get("alertname"));
                }
            }
        }
        assertEquals(alerts, fired);
    }

    @Test
    void dashboardPanelsQueryPrometheus() throws Exception {
        Map<String, Object> dash = new Yaml().load(Files.readString(monitoring().resolve("kdns-dashboard.json")));
        assertEquals("kdns-overview", dash.get("uid"));
        Set<Object> ids = new HashSet<>();
        int queries = 0;
        for (Map<String, Object> p : Y.maps(dash, "panels")) {
            assertTrue(ids.add(p.get("id")), "panel ids are unique: " + p.get("id"));
            if ("row".equals(p.get("type"))) {
                continue;
            }
            assertEquals("${datasource}", Y.str(p, "datasource.uid"), (String) p.get("title"));
            assertFalse(Y.maps(p, "targets").isEmpty(), (String) p.get("title"));
            for (Map<String, Object> t : Y.maps(p, "targets")) {
                String expr = (String) t.get("expr");
                assertTrue(expr.contains("job=~\"$job\"") && expr.contains("instance=~\"$instance\""),
                        "every query follows the job and instance variables: " + expr);
                queries++;
            }
        }
        assertTrue(queries > 20, "queries: " + queries);
    }
}
