package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inbox of more files than Camel's default idempotent memory (1,000 names) is read once per change of each file:
 * the project's real routes on the shipped defaults, polled every 100 ms. Absence of reads is checked after the route
 * has polled its folder several more times, not after a pause.
 */
class FileChangesRoutesTest {

    private static final String ROUTE = "sshd-config-inbox";
    private static final int HOSTS = 1_500;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Instant WRITTEN = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path temp;

    private Path inbox;
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        inbox = Files.createDirectories(sources.inbox().resolve("sshd_config"));
        for (int i = 0; i < HOSTS; i++) {
            write(host(i), "PermitRootLogin no\nMaxAuthTries " + (i % 7 + 1) + "\n", WRITTEN);
        }
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    @Test
    void eachFileIsReadOnceAndOnceMoreWhenItChanges() throws Exception {
        CollectingSink sink = new CollectingSink();
        sources.start(sink);

        await().atMost(DEADLINE).until(() -> sink.keys().size() == HOSTS);
        sources.awaitPolls(ROUTE, 3);
        assertThat(keys()).as("each read exactly once").allMatch(key -> sink.calls(key) == 1);
        assertThat(sources.route(ROUTE).counters().itemsRead()).isEqualTo(HOSTS);

        write(host(42), "PermitRootLogin yes\nMaxAuthTries 1\n", WRITTEN.plusSeconds(60));
        await().atMost(DEADLINE).until(() -> sink.calls(key(42)) == 2);
        assertThat(value(sink, key(42), "PermitRootLogin")).isEqualTo("yes");
        sources.awaitPolls(ROUTE, 3);
        assertThat(sink.calls(key(42))).as("not again after the change was read").isEqualTo(2);
        assertThat(keys()).filteredOn(key -> !key.equals(key(42))).allMatch(key -> sink.calls(key) == 1);
        assertThat(sources.route(ROUTE).counters().itemsRead()).isEqualTo(HOSTS + 1);
        assertThat(sources.route(ROUTE).counters().errors()).isZero();
    }

    @Test
    void afterARestartEachFileIsReadOnceMoreTheOnesChangedWhileDownFirst() throws Exception {
        CollectingSink before = new CollectingSink();
        sources.start(before);
        await().atMost(DEADLINE).until(() -> before.keys().size() == HOSTS);
        sources.close();
        Path state = temp.resolve("state").resolve("file-reads.tsv");
        assertThat(Files.readAllLines(state)).as("one line per file, after the header").hasSize(HOSTS + 1)
                .contains(host(7) + "\t" + WRITTEN.toEpochMilli() + "\t" + Files.size(host(7)));

        // while down: one file changes, one appears
        write(host(1_234), "PermitRootLogin yes\n", WRITTEN.plusSeconds(120));
        Path newcomer = write(inbox.resolve("web9999"), "PermitRootLogin prohibit-password\n", WRITTEN.plusSeconds(120));
        EvidenceKey newcomerKey = new EvidenceKey("sshd_config", "web9999", ROUTE);
        CollectingSink after = new CollectingSink();
        sources.start(after);

        // the engine's session starts empty: every file's evidence must reach it again, in one pass
        await().atMost(DEADLINE).until(() -> after.keys().size() == HOSTS + 1);
        assertThat(after.keys().subList(0, 2)).as("read before the unchanged ones").containsExactlyInAnyOrder(key(1_234), newcomerKey);
        assertThat(value(after, key(1_234), "PermitRootLogin")).isEqualTo("yes");
        sources.awaitPolls(ROUTE, 3);
        assertThat(keys()).allMatch(key -> after.calls(key) == 1);
        assertThat(after.calls(newcomerKey)).isEqualTo(1);
        assertThat(after.withdrawals()).isEmpty();
        assertThat(newcomer).exists();
    }

    private Path host(int i) {
        return inbox.resolve(String.format("web%04d", i));
    }

    private static EvidenceKey key(int i) {
        return new EvidenceKey("sshd_config", String.format("web%04d", i), ROUTE);
    }

    private static List<EvidenceKey> keys() {
        return IntStream.range(0, HOSTS).mapToObj(FileChangesRoutesTest::key).toList();
    }

    private static String value(CollectingSink sink, EvidenceKey key, String setting) {
        return sink.latest(key).orElseThrow().stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast)
                .filter(e -> e.getKey().equals(setting)).map(ConfigEntry::getValue).findFirst().orElseThrow();
    }

    /** Written beside the folder and renamed into it with its time set, as a copy tool that keeps times would. */
    private Path write(Path file, String content, Instant modified) throws IOException {
        Path staged = Files.createDirectories(temp.resolve("staging")).resolve(file.getFileName());
        Files.writeString(staged, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(staged, FileTime.from(modified));
        return Files.move(staged, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
