package io.annexa.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationSession;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.ingestion.host.HostSnapshotReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's first screen ("What you see after start") is what a newcomer sees: the bundled samples
 * ({@code integrations/samples/hosts/}), read as the {@code hosts-samples} route reads them and evaluated by the
 * shipped library with the shipped {@code config/rules.yml}, must raise exactly the nonconformities its table lists, one
 * per (rule, asset) as the register keeps them, and the evidence its example shows.
 *
 * <p>The table rows the test reads: {@code | `<asset>.sample` | <count> | `rule_a`, `rule_b` |} (a dash for none).
 */
class ReadmeFirstScreenTest {

    private static final String SECTION = "### What you see after start";
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9.-]+\\.sample)`\\s*\\|\\s*(\\d+)\\s*\\|(.*)\\|\\s*$");
    private static final Pattern RULE = Pattern.compile("`([a-z][a-z0-9_]*)`");

    private static Map<String, List<Finding>> raised;

    @BeforeAll
    static void evaluateTheSamples() throws Exception {
        RuleLibrary library = RuleLibrary.load(ProjectFiles.rules(), ProjectFiles.root().resolve("config/rules.yml"),
                ControlCatalog.load());
        raised = new TreeMap<>();
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.REALTIME);
             Stream<Path> hosts = Files.list(ProjectFiles.integrations().resolve("samples/hosts"))) {
            HostSnapshotReader reader = new HostSnapshotReader();
            for (Path host : hosts.filter(Files::isDirectory).sorted().toList()) {
                String asset = host.getFileName() + ".sample";
                raised.put(asset, new ArrayList<>());
                session.replaceSnapshot(asset, "hosts-samples", reader.read(host, asset, "hosts-samples", Instant.now()));
            }
            for (Finding finding : session.fire().findings()) {
                raised.computeIfAbsent(finding.getAsset(), a -> new ArrayList<>()).add(finding);
            }
        }
    }

    @Test
    void theSamplesRaiseExactlyTheNonconformitiesTheReadmeLists() throws IOException {
        Map<String, Set<String>> listed = new TreeMap<>();
        Map<String, Integer> counted = new TreeMap<>();
        for (String line : section().split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                counted.put(row.group(1), Integer.parseInt(row.group(2)));
                Set<String> rules = new TreeSet<>();
                RULE.matcher(row.group(3)).results().forEach(m -> rules.add(m.group(1)));
                listed.put(row.group(1), rules);
            }
        }
        Map<String, Set<String>> actual = new TreeMap<>();
        raised.forEach((asset, findings) -> actual.put(asset, new TreeSet<>(findings.stream().map(Finding::getRuleId).toList())));

        assertThat(listed).as("the README's table of what the samples raise; the samples raise:%n%s", table(actual))
                .isEqualTo(actual);
        listed.forEach((asset, rules) -> assertThat(counted.get(asset)).as("the count stated for %s", asset).isEqualTo(rules.size()));
    }

    @Test
    void theExampleEntryShowsTheEvidenceTheSampleRaises() throws IOException {
        Finding rootLogin = raised.getOrDefault("web-01.sample", List.of()).stream()
                .filter(f -> f.getRuleId().equals("sshd_root_login_disabled")).findFirst().orElseThrow();

        assertThat(section()).contains("\"evidenceSummary\":\"" + rootLogin.getEvidence() + "\"");
    }

    @Test
    void bastionIsHardenedInEveryKindOfConfigurationAnnexaReads() throws Exception {
        Path bastion = ProjectFiles.integrations().resolve("samples/hosts/bastion-01");

        assertThat(new HostSnapshotReader().read(bastion, "bastion-01.sample", "hosts-samples", Instant.now()).keySet())
                .extracting(io.annexa.evidence.EvidenceKey::source).containsAll(io.annexa.evidence.ConfigSources.ALL);
        assertThat(raised.get("bastion-01.sample")).as("bastion-01.sample is the hardened sample").isEmpty();
    }

    /** The README's "What you see after start", up to the next heading of its level or above. */
    private static String section() throws IOException {
        String readme = Files.readString(ProjectFiles.root().resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README.md has a section '%s'", SECTION).isNotNegative();
        Matcher next = Pattern.compile("(?m)^#{1,3} ").matcher(readme);
        int end = next.find(start + SECTION.length()) ? next.start() : readme.length();
        return readme.substring(start, end);
    }

    /** What the README's table would say, to paste when the samples change on purpose. */
    private static String table(Map<String, Set<String>> byAsset) {
        StringBuilder table = new StringBuilder();
        byAsset.forEach((asset, rules) -> table.append("| `").append(asset).append("` | ").append(rules.size()).append(" | ")
                .append(rules.isEmpty() ? "—" : String.join(", ", rules.stream().map(r -> "`" + r + "`").toList())).append(" |\n"));
        return table.toString();
    }
}
