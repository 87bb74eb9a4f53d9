package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code logs-follow} and {@code logs-inbox} routes of {@code integrations/logs.camel.yaml}, end to end. */
class LogRoutesTest {

    private static final String FOLLOW = "logs-follow";
    private static final String INBOX = "logs-inbox";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Path OPENSSH = ProjectFiles.root().resolve("src/test/resources/corpus/loghub/OpenSSH_2k.log");

    @TempDir
    Path temp;

    private final List<LogSourcesRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        runtimes.forEach(LogSourcesRuntime::close);
    }

    // ---------------------------------------------------------------- following

    @Test
    void aFollowedFileDeliversWhatIsAppendedOnceLineIsComplete() throws Exception {
        List<String> corpus = Files.readAllLines(OPENSSH);
        Path log = temp.resolve("auth.log");
        append(log, lines(corpus, 0, 50));
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.follow", log.toString()).start();

        Expectation first = Expectation.of(corpus.subList(0, 50), Instant.now());
        await().atMost(DEADLINE).until(() -> sources.counters(FOLLOW).itemsRead() == 50);
        assertThat(sources.events()).hasSize(first.events());
        assertThat(sources.events()).extracting(LogEvent::getAsset).containsOnly("labsz");

        // The last line is incomplete until its newline is written.
        append(log, lines(corpus, 50, 60) + corpus.get(60).substring(0, 20));
        await().atMost(DEADLINE).until(() -> sources.counters(FOLLOW).itemsRead() == 60);
        append(log, corpus.get(60).substring(20) + "\n");
        await().atMost(DEADLINE).until(() -> sources.counters(FOLLOW).itemsRead() == 61);

        Expectation all = Expectation.of(corpus.subList(0, 61), Instant.now());
        assertThat(sources.events()).hasSize(all.events());
        assertThat(sources.counters(FOLLOW).unclassified()).isEqualTo(all.unclassified());
        assertThat(sources.counters(FOLLOW).errors()).isZero();
        assertThat(sources.route(FOLLOW).state()).isEqualTo("Started");
        assertThat(temp.resolve("offsets/logs-follow.properties")).content().contains(log.toString().replace(":", "\\:"));
    }

    @Test
    void aRestartContinuesWhereTheLastRunStoppedWithoutSkippingOrRereading() throws Exception {
        List<String> corpus = Files.readAllLines(OPENSSH);
        Path log = temp.resolve("auth.log");
        append(log, lines(corpus, 0, 30));
        LogSourcesRuntime before = runtime().set("annexa.sources.logs.follow", log.toString()).start();
        await().atMost(DEADLINE).until(() -> before.counters(FOLLOW).itemsRead() == 30);
        before.close();

        append(log, lines(corpus, 30, 40));
        LogSourcesRuntime after = runtime().set("annexa.sources.logs.follow", log.toString()).start();

        await().atMost(DEADLINE).until(() -> after.counters(FOLLOW).itemsRead() == 10);
        await().during(Duration.ofMillis(500)).atMost(DEADLINE).until(() -> after.counters(FOLLOW).itemsRead() == 10);
        assertThat(after.events()).hasSize(Expectation.of(corpus.subList(30, 40), Instant.now()).events());
        assertThat(after.events()).extracting(LogEvent::getRaw).first().isEqualTo(corpus.get(30));
    }

    @Test
    void aStoppedRuntimeKeepsNoFollowedFileOpen() throws Exception {
        Path openFiles = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(openFiles), "needs Linux's /proc to see open files");
        Path log = append(temp.resolve("auth.log"), "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n");
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.follow", log.toString()).start();
        await().atMost(DEADLINE).until(() -> sources.counters(FOLLOW).itemsRead() == 1);
        assertThat(openFiles(openFiles)).contains(log.toRealPath());

        sources.close();
        // A rotated file held open would keep its disk space until Annexa exits.
        assertThat(openFiles(openFiles)).doesNotContain(log.toRealPath());
    }

    @Test
    void aMalformedLineInAFollowedFileIsDeadLetteredAndTheRestStillArrives() throws Exception {
        Path log = temp.resolve("auth.log");
        append(log, "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n"
                + "kernel panic without timestamp\n"
                + "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2\n");
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.follow", log.toString()).start();

        await().atMost(DEADLINE).until(() -> sources.counters(FOLLOW).itemsRead() == 3);
        assertThat(sources.events()).extracting(LogEvent::getKind).containsExactly("invalid_user", "auth_failure");
        assertThat(sources.counters(FOLLOW).errors()).isEqualTo(1);
        assertThat(sources.counters(FOLLOW).deadLetters()).isEqualTo(1);
        assertThat(sources.rejectedItems(FOLLOW)).singleElement().asString()
                .contains("# route: " + FOLLOW)
                .contains("# input: " + log)
                .contains("line 2: " + log + ":2: not a syslog line")
                .contains("\n\tkernel panic without timestamp\n");
        assertThat(sources.route(FOLLOW).state()).isEqualTo("Started");
    }

    @Test
    void aFollowedLineFromTheFutureIsMovedToNowWhileADroppedFileKeepsItsTimes() throws Exception {
        Path log = temp.resolve("auth.log");
        String future = "2999-01-01T00:00:00+00:00 web1 sshd[1]: Failed password for root from 192.0.2.4 port 1 ssh2\n";
        append(log, future);
        Instant before = Instant.now();
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.follow", log.toString()).start();

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.events().get(0).getTimestamp()).isBetween(before, Instant.now());
        assertThat(sources.events().get(0).attribute("claimed_time")).isEqualTo("2999-01-01T00:00:00Z");
        assertThat(sources.counters(FOLLOW).flags()).containsEntry("clock_skew", 1L);

        // a dropped file is history, replayed on its own timeline: its times are taken as they are
        drop(Files.writeString(temp.resolve("history.log"), future), "history.log");
        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        assertThat(sources.events().get(1).getTimestamp()).isEqualTo(Instant.parse("2999-01-01T00:00:00Z"));
        assertThat(sources.counters(INBOX).flags()).doesNotContainKey("clock_skew");
    }

    @Test
    void aFollowedFileCatchingUpAfterARestartKeepsItsPastTimes() throws Exception {
        Path log = temp.resolve("auth.log");
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        append(log, now + " web1 sshd[1]: Failed password for root from 192.0.2.4 port 1 ssh2\n");
        LogSourcesRuntime first = runtime().set("annexa.sources.logs.follow", log.toString()).start();
        await().atMost(DEADLINE).until(() -> first.events().size() == 1);
        first.close();

        // written while Annexa was stopped, hours ago by this machine's clock: real history, not skew
        Instant threeHoursAgo = now.minus(Duration.ofHours(3));
        Instant twoHoursAgo = now.minus(Duration.ofHours(2));
        append(log, threeHoursAgo + " web1 sshd[1]: Failed password for root from 192.0.2.4 port 2 ssh2\n"
                + twoHoursAgo + " web1 sshd[1]: Failed password for root from 192.0.2.4 port 3 ssh2\n");
        LogSourcesRuntime again = runtime().set("annexa.sources.logs.follow", log.toString()).start();

        await().atMost(DEADLINE).until(() -> again.events().size() == 2);
        assertThat(again.events()).extracting(LogEvent::getTimestamp).containsExactly(threeHoursAgo, twoHoursAgo);
        assertThat(again.events()).allSatisfy(e -> assertThat(e.getAttributes()).doesNotContainKey("claimed_time"));
        assertThat(again.counters(FOLLOW).flags()).doesNotContainKey("clock_skew");
    }

    @Test
    void aMissingFollowedFileIsNoErrorAndIsReadOnceItAppears() throws Exception {
        Path log = temp.resolve("later.log");
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.follow", temp.resolve("never.log") + ", " + log).start();

        await().during(Duration.ofMillis(500)).atMost(DEADLINE).until(() -> sources.counters(FOLLOW).errors() == 0);
        append(log, "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.counters(FOLLOW).errors()).isZero();
        assertThat(sources.route(FOLLOW).state()).isEqualTo("Started");
    }

    // ---------------------------------------------------------------- inbox

    @Test
    void aDroppedLogFileIsReadWholeOnceWithEveryLineCounted() throws Exception {
        LogSourcesRuntime sources = runtime().start();
        Path dropped = drop(OPENSSH, "OpenSSH_2k.log");
        Expectation expected = Expectation.of(Files.readAllLines(OPENSSH), Files.getLastModifiedTime(dropped).toInstant());

        await().atMost(DEADLINE).until(() -> sources.counters(INBOX).itemsRead() == 2000);
        await().atMost(DEADLINE).until(() -> sources.events().size() == expected.events());
        assertThat(sources.counters(INBOX).unclassified()).isEqualTo(expected.unclassified());
        assertThat(expected.classifiedLines() + expected.unclassified()).isEqualTo(2000);
        assertThat(sources.counters(INBOX).errors()).isZero();
        assertThat(sources.events()).extracting(LogEvent::getAsset).containsOnly("labsz");
        assertThat(sources.events()).extracting(LogEvent::getKind).contains("auth_failure", "invalid_user", "auth_success");

        // Read once: not on later polls, and not after a restart either (events would be counted twice).
        await().during(Duration.ofMillis(600)).atMost(DEADLINE).until(() -> sources.counters(INBOX).itemsRead() == 2000);
        sources.close();
        LogSourcesRuntime restarted = runtime().start();
        await().during(Duration.ofMillis(800)).atMost(DEADLINE).until(() -> restarted.counters(INBOX).itemsRead() == 0);
        assertThat(restarted.events()).isEmpty();
    }

    @Test
    void malformedLinesOfADroppedFileAreDeadLetteredWithTheirNumbersAndTheRestArrives() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(OPENSSH));
        lines.set(9, "### not a log line");
        lines.set(499, "Dec 32 06:55:46 LabSZ sshd[1]: a day that does not exist");
        lines.set(1499, "Dec 10 06:55:46");
        Path copy = Files.write(temp.resolve("broken.log"), lines);
        LogSourcesRuntime sources = runtime().start();
        Path dropped = drop(copy, "web1.log");
        Expectation expected = Expectation.of(lines, Files.getLastModifiedTime(dropped).toInstant());

        await().atMost(DEADLINE).until(() -> sources.counters(INBOX).itemsRead() == 2000);
        await().atMost(DEADLINE).until(() -> sources.events().size() == expected.events());
        assertThat(expected.malformed()).isEqualTo(3);
        assertThat(sources.counters(INBOX).errors()).isEqualTo(3);
        assertThat(sources.counters(INBOX).deadLetters()).isEqualTo(3);
        assertThat(sources.counters(INBOX).unclassified()).isEqualTo(expected.unclassified());
        // all three in one file, with their line numbers and the lines themselves
        assertThat(sources.deadLetterFiles(INBOX)).singleElement()
                .satisfies(f -> assertThat(f.getFileName().toString()).endsWith("-web1.log.dead-letter"));
        assertThat(sources.rejectedItems(INBOX)).singleElement().asString()
                .contains("# input: " + dropped)
                .contains("line 10: " + dropped + ":10: not a syslog line")
                .contains("\n\t### not a log line\n")
                .contains("line 500: " + dropped + ":500: invalid timestamp")
                .contains("line 1500: " + dropped + ":1500: no host");
        assertThat(sources.route(INBOX).state()).isEqualTo("Started");
    }

    @Test
    void aHundredThousandLinesOfGarbageMakeOneDeadLetterFileWithinTheBudgetAndTheRouteGoesOn() throws Exception {
        // once 200,000 files (794 MB): a .reason and a copy per line
        long budget = 1024 * 1024;
        int lines = 100_000;
        StringBuilder garbage = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            garbage.append("garbage line ").append(i).append(" without any timestamp\n");
        }
        Path file = Files.writeString(temp.resolve("garbage.log"), garbage);
        LogSourcesRuntime sources = runtime().set("annexa.sources.dead-letter.max-bytes-per-route", Long.toString(budget)).start();
        drop(file, "garbage.log");

        await().atMost(Duration.ofSeconds(120)).until(() -> sources.counters(INBOX).itemsRead() == lines);
        List<Path> files = sources.deadLetterFiles(INBOX);
        assertThat(files).singleElement().satisfies(f -> assertThat(Files.size(f)).isLessThanOrEqualTo(budget));
        long kept = Files.readAllLines(files.get(0)).stream().filter(l -> l.startsWith("line ")).count();
        assertThat(kept).isPositive();
        SourceMonitor.Counters counters = sources.counters(INBOX);
        assertThat(counters.errors()).isEqualTo(lines);
        assertThat(counters.deadLetters()).isEqualTo(lines);
        assertThat(counters.flags()).containsEntry(SourceMonitor.DEAD_LETTERS_DROPPED, lines - kept);
        assertThat(Files.readString(files.get(0))).contains("line 1: ").contains("\tgarbage line 1 without any timestamp\n");

        // the route carries on: a good file dropped next is read
        drop(OPENSSH, "web1.log");
        await().atMost(DEADLINE).until(() -> sources.counters(INBOX).itemsRead() == lines + 2000);
        assertThat(sources.route(INBOX).state()).isEqualTo("Started");
        assertThat(sources.deadLetterFiles(INBOX)).hasSize(1);
    }

    @Test
    void aLogFileLargerThanTheLimitIsDeadLetteredWhole() throws Exception {
        LogSourcesRuntime sources = runtime().set("annexa.sources.logs.max-file-bytes", "1000").start();
        Path dropped = drop(OPENSSH, "big.log");

        await().atMost(DEADLINE).until(() -> sources.counters(INBOX).deadLetters() == 1);
        assertThat(sources.deadLetterReasons(INBOX)).singleElement().asString()
                .contains(dropped + ": file is " + Files.size(dropped) + " bytes, more than the 1000")
                .contains("annexa.sources.logs.max-file-bytes");
        assertThat(sources.events()).isEmpty();
        assertThat(sources.counters(INBOX).itemsRead()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private LogSourcesRuntime runtime() throws IOException {
        LogSourcesRuntime runtime = new LogSourcesRuntime(temp);
        runtimes.add(runtime);
        return runtime;
    }

    /** Written beside the inbox and moved in, as an operator's copy would be finished before the route sees it. */
    private Path drop(Path source, String name) throws IOException {
        Path staged = Files.copy(source, Files.createDirectories(temp.resolve("staging")).resolve(name));
        Path target = Files.createDirectories(temp.resolve("inbox/logs")).resolve(name);
        return Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String lines(List<String> corpus, int from, int to) {
        return String.join("\n", corpus.subList(from, to)) + "\n";
    }

    private static Path append(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<Path> openFiles(Path fdFolder) throws IOException {
        List<Path> open = new ArrayList<>();
        try (var descriptors = Files.list(fdFolder)) {
            for (Path fd : descriptors.toList()) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException closedMeanwhile) {
                    // the descriptor of the listing itself, or one closed since
                }
            }
        }
        return open;
    }

    /** What the production parser and classifier make of the lines, computed independently of the routes. */
    record Expectation(int events, int classifiedLines, int unclassified, int malformed) {

        static Expectation of(List<String> lines, Instant reference) {
            SyslogLineParser parser = new SyslogLineParser(reference, ZoneId.systemDefault());
            LogClassifier classifier = new LogClassifier();
            int events = 0;
            int classified = 0;
            int unclassified = 0;
            int malformed = 0;
            for (String line : lines) {
                try {
                    SyslogRecord record = parser.parse(line, "expected", 0);
                    Classification c = classifier.classify(record.host(), record);
                    events += c.events().size();
                    if (c.classified()) {
                        classified++;
                    } else {
                        unclassified++;
                    }
                } catch (InvalidInputException e) {
                    malformed++;
                }
            }
            return new Expectation(events, classified, unclassified, malformed);
        }
    }
}
