package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.fuzz.FuzzInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code config/alerts.yml} fed mutations of valid files and random bytes: it is read, or refused with
 * {@link AlertConfigException} whose every problem names the file and a line inside it; matchers fed random text
 * are read to a matcher whose canonical text reads back to an equal one, or refused with IllegalArgumentException.
 */
class AlertConfigFuzzTest {

    private static final Path FILE = workDir().resolve("alerts.yml");

    private static final String ROUTES = """
            receivers:
              - name: slack
                webhook: {url: 'https://hooks.slack.example/services/${env:TOKEN}', format: slack}
              - name: local
                webhook: {url: 'http://127.0.0.1:8080/hook', secret: '${env:SECRET}'}
              - name: mail
                email: {to: [a@example.org, b@example.org]}
            route:
              receiver: mail
              group_by: ['...']
              routes:
                - matchers: ['asset !~ "web-[0-9]+"', 'owner != ""']
                  receiver: slack
                  group_interval: 1h30m
                  routes:
                    - {matchers: ['rule =~ "sshd_.*"'], receiver: local, continue: true}
                - {matchers: ['severity = high'], repeat_interval: 7d, group_by: []}
            allow_private_targets: ['127.0.0.1/32', '::1', 'fd00::/8']
            """;

    /** The mutations start from valid files, or the property would only ever see refusals. */
    @net.jqwik.api.Example
    void theRichSampleIsValid() throws Exception {
        Files.writeString(FILE, ROUTES);
        AlertRouting routing = AlertRouting.read(FILE, "config/alerts.yml",
                Map.of("TOKEN", "T0/B0/X", "SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")::get);

        assertThat(routing.route(Map.of("asset", "db-1", "owner", "x", "rule", "sshd_a")))
                .extracting(RouteTarget::receiver, RouteTarget::routeId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("local", "0.0.0"));
    }

    @Property
    void alertConfigIsReadOrRefusedNamingFileLineAndColumn(@ForAll("alertFiles") byte[] content) throws IOException {
        Files.write(FILE, content);
        AlertConfigException refused = FuzzInputs.bounded(content, () -> {
            try {
                AlertRouting routing = AlertRouting.read(FILE, "config/alerts.yml",
                        Map.of("TOKEN", "T0/B0/X", "SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")::get);
                for (RouteTarget target : routing.route(Map.of("asset", "db-1", "owner", "x", "rule", "sshd_a"))) {
                    assertThat(routing.receiver(target.receiver())).isPresent();
                }
                return null;
            } catch (AlertConfigException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.file()).isEqualTo("config/alerts.yml");
                assertThat(p.line()).as(FuzzInputs.describe(p.toString(), content)).isBetween(0, FuzzInputs.lineCount(content));
                assertThat(p.column()).isNotNegative();
                assertThat(p.message()).isNotBlank();
            });
        }
    }

    @Property
    void matchersAreReadToACanonicalFormOrRefused(@ForAll("matcherTexts") String text) {
        LabelMatcher matcher = FuzzInputs.bounded(text, () -> {
            try {
                return LabelMatcher.parse(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
        if (matcher != null) {
            assertThat(LabelMatcher.parse(matcher.text())).isEqualTo(matcher);
            Map<String, String> labels = Map.of(matcher.name(), text);
            assertThat(LabelMatcher.parse(matcher.text()).matches(labels)).isEqualTo(matcher.matches(labels));
        }
    }

    @Provide
    Arbitrary<byte[]> alertFiles() {
        List<String> samples = new ArrayList<>(FuzzInputs.samples("config", "alerts.yml"));
        samples.add(AlertRoutingReadTest.PRODUCT_EXAMPLE);
        samples.add(ROUTES);
        return FuzzInputs.bytes(samples);
    }

    @Provide
    Arbitrary<String> matcherTexts() {
        Arbitrary<String> labels = Arbitraries.of(AlertEvent.LABELS);
        Arbitrary<String> ops = Arbitraries.of("=", "!=", "=~", "!~", "==", "~", "");
        Arbitrary<String> values = FuzzInputs.random().map(v -> v.length() > 40 ? v.substring(0, 40) : v);
        Arbitrary<String> built = net.jqwik.api.Combinators.combine(labels, ops, values, Arbitraries.of(true, false))
                .as((l, o, v, quoted) -> l + " " + o + " " + (quoted ? "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : v));
        return Arbitraries.oneOf(built, FuzzInputs.mutated(List.of("grade = \"major\"", "theme =~ \"technological|organizational\"",
                "owner != \"\"", "asset !~ \"web-[0-9]+\"")), FuzzInputs.random());
    }

    private static Path workDir() {
        try {
            return Files.createTempDirectory("alert-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
