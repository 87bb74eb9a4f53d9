package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alertmanager's routing semantics, on trees read from YAML as operators write them. */
class AlertRoutingTest {

    private static final String RECEIVERS = """
            receivers:
              - {name: root, email: {to: [root@example.org]}}
              - {name: a, email: {to: [a@example.org]}}
              - {name: b, email: {to: [b@example.org]}}
              - {name: c, email: {to: [c@example.org]}}
            """;

    @TempDir
    Path dir;

    AlertRouting routing(String route) throws Exception {
        Path file = dir.resolve("alerts.yml");
        Files.writeString(file, RECEIVERS + route);
        return AlertRouting.read(file, "alerts.yml");
    }

    static List<String> receivers(List<RouteTarget> targets) {
        return targets.stream().map(t -> t.receiver() + "@" + t.routeId()).toList();
    }

    @Test
    void theFirstMatchingChildWinsAndLaterSiblingsAreNotAsked() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - {matchers: ['grade = "major"'], receiver: a}
                    - {matchers: ['asset = "web-1"'], receiver: b}
                """);

        assertThat(receivers(routing.route(Map.of("grade", "major", "asset", "web-1")))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("grade", "minor", "asset", "web-1")))).containsExactly("b@0.1");
    }

    @Test
    void continueLetsLaterSiblingsMatchToo() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - {matchers: ['grade = "major"'], receiver: a, continue: true}
                    - {matchers: ['asset = "web-1"'], receiver: b}
                    - {matchers: ['asset = "web-1"'], receiver: c}
                """);

        assertThat(receivers(routing.route(Map.of("grade", "major", "asset", "web-1")))).containsExactly("a@0.0", "b@0.1");
        // a continuing route that matched still keeps the root from taking the alert
        assertThat(receivers(routing.route(Map.of("grade", "major")))).containsExactly("a@0.0");
    }

    @Test
    void whenNoChildMatchesTheParentTakesTheAlert() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - matchers: ['theme = "technological"']
                      receiver: a
                      routes:
                        - {matchers: ['grade = "major"'], receiver: b}
                """);

        assertThat(receivers(routing.route(Map.of("theme", "technological", "grade", "major")))).containsExactly("b@0.0.0");
        assertThat(receivers(routing.route(Map.of("theme", "technological", "grade", "minor")))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("theme", "people", "grade", "major")))).containsExactly("root@0");
    }

    @Test
    void childrenInheritReceiverGroupingAndTimingsUnlessTheySetThem() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  group_by: [asset]
                  group_wait: 10s
                  group_interval: 2m
                  repeat_interval: 1h
                  routes:
                    - matchers: ['theme = "technological"']
                      group_by: [control, asset]
                      group_wait: 0s
                      routes:
                        - matchers: ['grade = "major"']
                          repeat_interval: 7d
                """);

        assertThat(routing.route(Map.of("theme", "technological", "grade", "major"))).containsExactly(
                new RouteTarget("root", List.of("control", "asset"), Duration.ZERO, Duration.ofMinutes(2), Duration.ofDays(7), "0.0.0"));
        assertThat(routing.route(Map.of("theme", "technological"))).containsExactly(
                new RouteTarget("root", List.of("control", "asset"), Duration.ZERO, Duration.ofMinutes(2), Duration.ofHours(1), "0.0"));
    }

    @Test
    void anEmptyGroupByOnAChildOverridesTheParents() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  group_by: [asset]
                  routes:
                    - {matchers: ['grade = "major"'], group_by: []}
                """);

        assertThat(routing.route(Map.of("grade", "major")).get(0).groupBy()).isEmpty();
    }

    @Test
    void regexesAreAnchoredAtBothEnds() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - {matchers: ['theme =~ "tech|org"'], receiver: a}
                    - {matchers: ['asset !~ "web-.*"'], receiver: b}
                """);

        assertThat(receivers(routing.route(Map.of("theme", "technological", "asset", "web-1")))).containsExactly("root@0");
        assertThat(receivers(routing.route(Map.of("theme", "tech", "asset", "web-1")))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("theme", "biotech", "asset", "db-1")))).containsExactly("b@0.1");
        assertThat(receivers(routing.route(Map.of("theme", "x", "asset", "my-web-1")))).containsExactly("b@0.1");
    }

    @Test
    void negativeMatchersMatchLabelsThatAreEmptyOrMissing() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - {matchers: ['owner != "alice"', 'asset !~ ".+"'], receiver: a}
                """);

        assertThat(receivers(routing.route(Map.of()))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("owner", "", "asset", "")))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("owner", "alice")))).containsExactly("root@0");
        assertThat(receivers(routing.route(Map.of("asset", "web-1")))).containsExactly("root@0");
    }

    @Test
    void allMatchersOfARouteMustMatch() throws Exception {
        AlertRouting routing = routing("""
                route:
                  receiver: root
                  routes:
                    - {matchers: ['grade = "major"', 'theme =~ "technological|organizational"'], receiver: a}
                """);

        assertThat(receivers(routing.route(Map.of("grade", "major", "theme", "organizational")))).containsExactly("a@0.0");
        assertThat(receivers(routing.route(Map.of("grade", "major", "theme", "people")))).containsExactly("root@0");
        assertThat(receivers(routing.route(Map.of("grade", "minor", "theme", "organizational")))).containsExactly("root@0");
    }

    @Test
    void groupKeysNameTheRouteTheReceiverAndTheGroupByValues() {
        RouteTarget byAsset = new RouteTarget("secops", List.of("asset"), Duration.ZERO, Duration.ofMinutes(5), Duration.ofHours(4), "0.1");
        RouteTarget byAll = new RouteTarget("secops", List.of("..."), Duration.ZERO, Duration.ofMinutes(5), Duration.ofHours(4), "0");
        RouteTarget none = new RouteTarget("secops", List.of(), Duration.ZERO, Duration.ofMinutes(5), Duration.ofHours(4), "0");

        assertThat(byAsset.groupKey(Map.of("asset", "web-1", "grade", "major"))).isEqualTo("0.1/secops/{asset=\"web-1\"}");
        assertThat(byAsset.groupKey(Map.of("asset", "a\"b"))).isEqualTo("0.1/secops/{asset=\"a\\\"b\"}");
        assertThat(none.groupKey(Map.of("asset", "web-1"))).isEqualTo("0/secops/{}");
        assertThat(byAll.groupKey(Map.of("asset", "web-1", "grade", "major"))).isEqualTo("0/secops/{asset=\"web-1\",control=\"\","
                + "event=\"\",grade=\"major\",owner=\"\",requirement=\"\",rule=\"\",severity=\"\",theme=\"\"}");
    }
}
