package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRoutingReadTest {

    static final String PRODUCT_EXAMPLE = """
            receivers:
              - name: secops
                webhook:
                  url: https://hooks.example.org/annexa
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw   # Standard Webhooks secret
                  format: standard              # standard | slack | teams
              - name: isms-team
                email:
                  to: [isms@example.org]
            route:                              # Alertmanager semantics
              receiver: isms-team
              group_by: [asset]
              group_wait: 30s
              group_interval: 5m
              repeat_interval: 24h
              routes:
                - matchers: ['grade = "major"', 'theme =~ "technological|organizational"']
                  receiver: secops
                  continue: true
                - matchers: ['event = "incident.detected"']
                  receiver: secops
                  group_wait: 0s
            allow_private_targets: ["127.0.0.1/32"]
            """;

    @TempDir
    Path dir;

    Path write(String yaml) throws Exception {
        Path file = dir.resolve("alerts.yml");
        Files.writeString(file, yaml);
        return file;
    }

    AlertRouting read(String yaml) throws Exception {
        return AlertRouting.read(write(yaml), "config/alerts.yml", Map.of("SECOPS_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")::get);
    }

    List<ConfigProblem> problems(String yaml) throws Exception {
        Path file = write(yaml);
        AlertConfigException e = catchThrowableOfType(AlertConfigException.class,
                () -> AlertRouting.read(file, "config/alerts.yml", Map.<String, String>of()::get));
        assertThat(e).as("the configuration should be refused").isNotNull();
        return e.problems();
    }

    /** The one problem of a file, as "line:column: message". */
    String problem(String yaml) throws Exception {
        List<ConfigProblem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        ConfigProblem p = problems.get(0);
        assertThat(p.file()).isEqualTo("config/alerts.yml");
        return p.line() + ":" + p.column() + ": " + p.message();
    }

    @Test
    void readsTheProductExample() throws Exception {
        AlertRouting routing = read(PRODUCT_EXAMPLE);

        assertThat(routing.receivers()).extracting(ReceiverConfig::name).containsExactly("secops", "isms-team");
        assertThat(routing.receiver("secops").orElseThrow().webhook())
                .isEqualTo(new WebhookConfig(URI.create("https://hooks.example.org/annexa"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "standard"));
        assertThat(routing.receiver("isms-team").orElseThrow().email().to()).containsExactly("isms@example.org");
        assertThat(routing.receiver("nobody")).isEmpty();
        assertThat(routing.targetPolicy().allowed()).containsExactly("127.0.0.1/32");

        List<RouteTarget> major = routing.route(Map.of("grade", "major", "theme", "technological", "asset", "web-1"));
        assertThat(major).containsExactly(
                new RouteTarget("secops", List.of("asset"), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(24), "0.0"));
        List<RouteTarget> incident = routing.route(Map.of("event", "incident.detected"));
        assertThat(incident).containsExactly(
                new RouteTarget("secops", List.of("asset"), Duration.ZERO, Duration.ofMinutes(5), Duration.ofHours(24), "0.1"));
        assertThat(routing.route(Map.of("grade", "minor"))).extracting(RouteTarget::receiver, RouteTarget::routeId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("isms-team", "0"));
    }

    @Test
    void theShippedFileIsValidAndSendsNothing() throws Exception {
        AlertRouting routing = AlertRouting.read(Path.of("config/alerts.yml"), "config/alerts.yml");

        assertThat(routing.receivers()).isEmpty();
        assertThat(routing.route(Map.of("grade", "major", "event", "incident.detected"))).isEmpty();
    }

    /** The example in the shipped file's comments is what operators copy: uncommented, it must be a valid file. */
    @Test
    void theExampleInTheShippedFilesCommentsIsValidOnceUncommented() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("config/alerts.yml"));
        String example = lines.stream()
                .filter(l -> l.startsWith("# ") && !l.substring(2).isBlank())
                .map(l -> l.substring(2))
                .dropWhile(l -> !l.startsWith("receivers:"))
                .filter(l -> !l.startsWith(" ".repeat(20))) // the documentation column
                .map(l -> l.replaceAll("(?<=\\S)\\s{3,}[A-Za-z0-9(\\[].*$", "").replaceAll("\\s+$", ""))
                .collect(Collectors.joining("\n"));

        AlertRouting routing = read(example.replace("${env:ANNEXA_SECOPS_SECRET}", "${env:SECOPS_SECRET}"));

        assertThat(routing.receivers()).extracting(ReceiverConfig::name).containsExactly("secops", "isms-team");
        assertThat(routing.route(Map.of("grade", "major", "theme", "organizational", "event", "incident.detected")))
                .extracting(RouteTarget::receiver, RouteTarget::routeId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("secops", "0.0"), org.assertj.core.groups.Tuple.tuple("secops", "0.1"));
        assertThat(routing.targetPolicy().allowed()).containsExactly("127.0.0.1/32");
    }

    @Test
    void anEmptyFileOrAnEmptyReceiverListWithoutRouteMeansNoAlerts() throws Exception {
        assertThat(read("# nothing yet\n").receivers()).isEmpty();
        assertThat(read("receivers: []\n").route(Map.of("grade", "major"))).isEmpty();
        assertThat(read("receivers:\nallow_private_targets: []\n").receivers()).isEmpty();
        assertThat(AlertRouting.empty().route(Map.of("grade", "major"))).isEmpty();
    }

    @Test
    void defaultsAreAlertmanagers() throws Exception {
        AlertRouting routing = read("""
                receivers:
                  - name: team
                    email: {to: [team@example.org]}
                route:
                  receiver: team
                """);

        assertThat(routing.route(Map.of())).containsExactly(
                new RouteTarget("team", List.of(), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4), "0"));
    }

    @Test
    void secretsAndUrlsAreResolvedFromTheEnvironment() throws Exception {
        AlertRouting routing = AlertRouting.read(write("""
                receivers:
                  - name: secops
                    webhook:
                      url: https://hooks.slack.example/services/${env:SLACK_TOKEN}
                      format: slack
                  - name: signed
                    webhook:
                      url: https://hooks.example.org/annexa
                      secret: ${env:SECRET}
                route:
                  receiver: secops
                """), "config/alerts.yml", Map.of("SLACK_TOKEN", "T000/B000/XXX", "SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")::get);

        assertThat(routing.receiver("secops").orElseThrow().webhook().url())
                .isEqualTo(URI.create("https://hooks.slack.example/services/T000/B000/XXX"));
        assertThat(routing.receiver("secops").orElseThrow().webhook().secret()).isNull();
        assertThat(routing.receiver("signed").orElseThrow().webhook().secret()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(routing.receiver("signed").orElseThrow().webhook().format()).isEqualTo("standard");
    }

    @Test
    void aSecretIsNeverShownInTextOrMessages() throws Exception {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assertThat(read(PRODUCT_EXAMPLE).receivers().toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String tooShort = "whsec_c2hvcnQ=";
        assertThat(problems(PRODUCT_EXAMPLE.replace(secret, tooShort)).toString()).doesNotContain("c2hvcnQ");
    }

    @Test
    void everyRefusalNamesTheFileLineAndColumn() throws Exception {
        String base = """
                receivers:
                  - name: team
                    email: {to: [team@example.org]}
                route:
                  receiver: team
                """;
        assertThat(problem(base + "  colour: red\n")).startsWith("6:3: route.colour: unknown key 'colour'");
        assertThat(problem(base.replace("receiver: team", "receiver: nobody")))
                .isEqualTo("5:13: route.receiver: no receiver named 'nobody'; receivers: team");
        assertThat(problem(base + "  group_wait: 30 seconds\n")).startsWith("6:15: route.group_wait: '30 seconds' is not a duration like");
        assertThat(problem(base + "  group_interval: 0s\n")).isEqualTo("6:19: route.group_interval: must be longer than zero");
        assertThat(problem(base + "  repeat_interval: 2y\n")).startsWith("6:20: route.repeat_interval: '2y' is longer than the 366 days");
        assertThat(problem(base + "  routes:\n    - matchers: ['grade == \"major\"']\n"))
                .startsWith("7:18: route.routes[0].matchers[0]: '==' is not an operator");
        assertThat(problem(base + "  routes:\n    - matchers: ['grade = major\"']\n"))
                .startsWith("7:18: route.routes[0].matchers[0]: 'major\"': quote a value");
        assertThat(problem(base + "  routes:\n    - matchers: ['colour = \"red\"']\n"))
                .startsWith("7:18: route.routes[0].matchers[0]: unknown label 'colour'; labels: event, grade");
        assertThat(problem(base + "  routes:\n    - matchers: ['theme =~ \"(tech\"']\n"))
                .startsWith("7:18: route.routes[0].matchers[0]: '(tech' is not a valid RE2 regular expression");
        assertThat(problem(base + "  routes:\n    - continue: maybe\n")).isEqualTo("7:17: route.routes[0].continue: must be true or false");
        assertThat(problem(base + "  routes:\n    - matchers: grade = major\n"))
                .startsWith("7:17: route.routes[0].matchers: must be a list of matchers");
        assertThat(problem(base + "  group_by: asset\n")).startsWith("6:13: route.group_by: must be a list of label names");
        assertThat(problem(base + "  group_by: [asset, '...']\n")).startsWith("6:21: route.group_by[1]: '...' means all labels");
        assertThat(problem(base + "  group_by: [host]\n")).startsWith("6:14: route.group_by[0]: unknown label 'host'");
        assertThat(problem(base + "  continue: true\n")).startsWith("6:3: route.continue: the root route takes every alert");
        assertThat(problem(base + "allow_private_targets: [10.0.0.1/8]\n"))
                .startsWith("6:25: allow_private_targets[0]: '10.0.0.1/8' has bits set after the /8 prefix");
        assertThat(problem(base + "allow_private_targets: [localhost]\n"))
                .startsWith("6:25: allow_private_targets[0]: 'localhost' is not a CIDR");
        assertThat(problem(base + "allow_private_targets: ['fd00::/129']\n"))
                .startsWith("6:25: allow_private_targets[0]: 'fd00::/129': the prefix length must be 0 to 128");
        assertThat(problem(base + "extra: 1\n")).startsWith("6:1: extra: unknown key 'extra'");
        assertThat(problem("receivers:\n  - name: team\n    email: {to: [team@example.org]}\n"))
                .startsWith("1:1: route: receivers are defined but there is no route");
        assertThat(problem("route:\n  receiver: team\n")).isEqualTo("2:13: route.receiver: no receiver named 'team' (no receivers are defined)");
        assertThat(problem("- a\n- b\n")).startsWith("1:1: (file): must be a mapping");
        assertThat(problem("receivers: [\n")).startsWith("2:1: (file): not valid YAML");
    }

    @Test
    void badReceiversAreRefusedWithTheirPlace() throws Exception {
        String route = "route:\n  receiver: a\n";
        assertThat(problem("receivers:\n  - name: a\n" + route)).isEqualTo("2:5: receivers[0]: needs a webhook or an email");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: [a@example.org]}\n    webhook: {url: 'https://x.example', format: slack}\n" + route))
                .isEqualTo("2:5: receivers[0]: has both webhook and email; use two receivers");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: [a@example.org]}\n  - name: a\n    email: {to: [b@example.org]}\n" + route))
                .isEqualTo("4:11: receivers[1].name: receiver 'a' is defined twice (first on line 2)");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: [\"a@example.org\\nBcc: x@evil.example\"]}\n" + route))
                .startsWith("3:18: receivers[0].email.to[0]: 'a@example.org\\u000aBcc: x@evil.example' is not a plain mail address");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: []}\n" + route)).startsWith("3:17: receivers[0].email.to: must list 1 to 100");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: a@example.org}\n" + route))
                .startsWith("3:17: receivers[0].email.to: must be a list of mail addresses");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'ftp://x.example/', format: slack}\n" + route))
                .startsWith("3:20: receivers[0].webhook.url: must be an http or https URL");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://exa mple.org/', format: slack}\n" + route))
                .startsWith("3:20: receivers[0].webhook.url: is not a URL: Illegal character in authority");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://u:p@x.example/', format: slack}\n" + route))
                .startsWith("3:20: receivers[0].webhook.url: carries a user name or password");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://169.254.169.254/latest', format: slack}\n" + route))
                .startsWith("3:20: receivers[0].webhook.url: 169.254.169.254 is a cloud metadata address");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'http://[::1]:8080/', format: slack}\n" + route))
                .startsWith("3:20: receivers[0].webhook.url: 0:0:0:0:0:0:0:1 is a loopback address");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/', format: discord}\n" + route))
                .startsWith("3:50: receivers[0].webhook.format: 'discord' is not one of standard, slack, teams");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/'}\n" + route))
                .startsWith("3:14: receivers[0].webhook: has no secret: the standard format is signed");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/', secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'}\n" + route))
                .isEqualTo("3:50: receivers[0].webhook.secret: is not a Standard Webhooks secret: whsec_ followed by base64");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/', secret: 'whsec_not base64!'}\n" + route))
                .isEqualTo("3:50: receivers[0].webhook.secret: is not a Standard Webhooks secret: whsec_ followed by base64");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA'}\n" + route))
                .startsWith("3:50: receivers[0].webhook.secret: is not a Standard Webhooks secret: the part after whsec_ is not valid base64");
        assertThat(problem("receivers:\n  - name: a\n    webhook: {url: 'https://x.example/', secret: '${env:ANNEXA_UNSET}'}\n" + route))
                .isEqualTo("3:50: receivers[0].webhook.secret: the environment variable ANNEXA_UNSET is not set");
        assertThat(problem("receivers:\n  - name: a b\n    email: {to: [a@example.org]}\nroute:\n  receiver: a b\n"))
                .startsWith("2:11: receivers[0].name: 'a b' is not a receiver name");
        assertThat(problem("receivers:\n  - name: a\n    email: {to: [a@example.org], cc: [b@example.org]}\n" + route))
                .startsWith("3:34: receivers[0].email.cc: unknown key 'cc'; allowed: to");
        assertThat(problem("receivers:\n  - name: a\n    email: [a@example.org]\n" + route))
                .isEqualTo("3:12: receivers[0].email: must be a mapping with to: [addresses]");
        assertThat(problem("receivers: {a: 1}\n" + route)).startsWith("1:12: receivers: must be a list of receivers");
    }

    @Test
    void allProblemsAreReportedInFileOrderNotOnlyTheFirst() throws Exception {
        List<ConfigProblem> problems = problems("""
                receivers:
                  - name: secops
                    webhook:
                      url: https://hooks.example.org/annexa
                      secret: whsec_short
                  - name: isms-team
                    email: {to: [isms@example.org]}
                route:
                  receiver: isms-team
                  group_wait: 30x
                  routes:
                    - matchers: ['grade = "major"', 'colour = "red"']
                      receiver: secops
                    - receiver: nobody
                allow_private_targets: ["300.0.0.1/32"]
                """);

        assertThat(problems).extracting(p -> p.line() + ":" + p.column())
                .containsExactly("5:15", "10:15", "12:37", "14:17", "15:25");
        // secops exists though its secret is wrong: the route naming it is not a second problem
        assertThat(problems).noneMatch(p -> p.message().contains("no receiver named 'secops'"));
    }

    @Test
    void aFileLargerThanTheBoundIsRefusedBeforeItIsParsed() throws Exception {
        String big = "# " + "x".repeat((int) AlertRoutingReader.MAX_BYTES) + "\nreceivers: []\n";

        assertThat(problem(big)).startsWith("0:0: (file): is " + (big.length()) + " bytes, more than the 262144 bytes allowed");
    }

    @Test
    void aMissingFileIsAProblemNotAnEmptyRouting() {
        assertThatThrownBy(() -> AlertRouting.read(dir.resolve("absent.yml"), "config/alerts.yml"))
                .isInstanceOf(AlertConfigException.class).hasMessageContaining("config/alerts.yml:0:0: (file): cannot be read");
    }

    @Test
    void durationsAreReadAsAlertmanagerWritesThem() {
        assertThat(AlertDuration.parse("0s")).isZero();
        assertThat(AlertDuration.parse("0")).isZero();
        assertThat(AlertDuration.parse("30s")).hasSeconds(30);
        assertThat(AlertDuration.parse("5m")).hasMinutes(5);
        assertThat(AlertDuration.parse("24h")).hasHours(24);
        assertThat(AlertDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(AlertDuration.parse("7d")).hasDays(7);
        assertThat(AlertDuration.parse("2w")).hasDays(14);
        assertThat(AlertDuration.parse("1d12h")).hasHours(36);
        assertThat(AlertDuration.parse("500ms")).hasMillis(500);
        assertThat(AlertDuration.parse("1m30s500ms")).hasMillis(90_500);
        for (String bad : List.of("", "5", "m", "30m1h", "1h 30m", "-5m", "5M", "1.5h", "PT5M", "99999999999999999999s", "1h1h")) {
            assertThatThrownBy(() -> AlertDuration.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void durationsPrintBackToTheirShortestForm() {
        for (String text : List.of("0s", "30s", "5m", "1h30m", "1d", "1w", "1y", "500ms", "1d12h")) {
            assertThat(AlertDuration.format(AlertDuration.parse(text))).isEqualTo(text);
        }
    }
}
