package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {

    @TempDir
    Path temp;

    private Path log;
    private Path offsets;
    private final List<List<LogLine>> batches = new ArrayList<>();
    private final List<LogFollower> followers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        log = temp.resolve("auth.log");
        offsets = temp.resolve("offsets/logs-follow.properties");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (LogFollower follower : followers) {
            follower.close();
        }
    }

    @Test
    void appendedLinesAreHandedOverOnceWithTheirNumbers() throws Exception {
        append(log, "one\ntwo\n");
        LogFollower follower = follower(100);

        assertThat(poll(follower)).containsExactly(tuple(1L, "one"), tuple(2L, "two"));
        assertThat(poll(follower)).isEmpty();

        append(log, "three\r\n");
        assertThat(poll(follower)).containsExactly(tuple(3L, "three"));
    }

    @Test
    void anIncompleteLastLineWaitsForItsNewline() throws Exception {
        append(log, "one\ntw");
        LogFollower follower = follower(100);

        assertThat(poll(follower)).containsExactly(tuple(1L, "one"));
        append(log, "o");
        assertThat(poll(follower)).isEmpty();
        append(log, "\nthree");
        assertThat(poll(follower)).containsExactly(tuple(2L, "two"));
    }

    @Test
    void aRotatedFileIsReadToItsEndThenTheNewFileFromItsStart() throws Exception {
        append(log, "one\n");
        LogFollower follower = follower(100);
        assertThat(poll(follower)).containsExactly(tuple(1L, "one"));

        append(log, "two\n");
        Path rotated = Files.move(log, temp.resolve("auth.log.1"));
        // The writer still has the old file open and finishes what it was writing there.
        append(rotated, "three\nfour");
        append(log, "new one\n");

        assertThat(poll(follower)).containsExactly(tuple(2L, "two"), tuple(3L, "three"), tuple(4L, "four"),
                tuple(1L, "new one"));
        append(log, "new two\n");
        assertThat(poll(follower)).containsExactly(tuple(2L, "new two"));
    }

    @Test
    void aPathWithoutFileForAWhileKeepsTheOldFileUntilTheNewOneAppears() throws Exception {
        append(log, "one\n");
        LogFollower follower = follower(100);
        poll(follower);
        Path rotated = Files.move(log, temp.resolve("auth.log.1"));
        append(rotated, "two\n");

        assertThat(poll(follower)).containsExactly(tuple(2L, "two"));
        append(log, "new one\n");
        assertThat(poll(follower)).containsExactly(tuple(1L, "new one"));
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsStart() throws Exception {
        append(log, "one\ntwo\nthree\n");
        LogFollower follower = follower(100);
        poll(follower);

        Files.writeString(log, "anew\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(poll(follower)).containsExactly(tuple(1L, "anew"));
    }

    @Test
    void aFileTruncatedAndRewrittenPastThePositionBetweenTwoPollsIsReadFromItsStart() throws Exception {
        append(log, "one\ntwo\n");
        LogFollower follower = follower(100);
        poll(follower);

        // copytruncate rotation, with the writer quicker than the next poll
        Files.writeString(log, "later one\nlater two\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(poll(follower)).containsExactly(tuple(1L, "later one"), tuple(2L, "later two"));
    }

    @Test
    void aRestartContinuesAfterTheLastHandedOverLineWithoutSkippingOrRereading() throws Exception {
        append(log, "one\ntwo\nthr");
        LogFollower first = follower(100);
        assertThat(poll(first)).containsExactly(tuple(1L, "one"), tuple(2L, "two"));
        first.close();
        append(log, "ee\nfour\n");

        LogFollower second = follower(100);
        assertThat(poll(second)).containsExactly(tuple(3L, "three"), tuple(4L, "four"));
        assertThat(offsets).exists();
        assertThat(offsets.resolveSibling("logs-follow.properties.tmp")).doesNotExist();
    }

    @Test
    void aRestartAfterRotationReadsTheRestOfTheOldFileFirst() throws Exception {
        append(log, "one\n");
        LogFollower first = follower(100);
        poll(first);
        first.close();
        append(log, "two\n");
        Files.move(log, temp.resolve("auth.log.1"));
        append(log, "new one\n");

        assertThat(poll(follower(100))).containsExactly(tuple(2L, "two"), tuple(1L, "new one"));
    }

    @Test
    void aRestartAfterTheOldFileWasRemovedStartsTheNewFileFromItsStart() throws Exception {
        append(log, "one\n");
        LogFollower first = follower(100);
        poll(first);
        first.close();
        Files.delete(log);
        append(log, "new one\n");

        assertThat(poll(follower(100))).containsExactly(tuple(1L, "new one"));
    }

    @Test
    void aBatchTheHandlerRejectsIsHandedOverAgain() throws Exception {
        append(log, "one\ntwo\n");
        LogFollower follower = follower(100);

        assertThatThrownBy(() -> follower.poll(lines -> {
            throw new IllegalStateException("engine not ready");
        })).hasMessage("engine not ready");
        assertThat(poll(follower)).containsExactly(tuple(1L, "one"), tuple(2L, "two"));
    }

    @Test
    void linesAreHandedOverInBatchesAndThePositionIsSavedAfterEach() throws Exception {
        append(log, "1\n2\n3\n4\n5\n");
        LogFollower follower = follower(2);
        List<Long> savedAfterBatch = new ArrayList<>();

        follower.poll(lines -> {
            batches.add(lines);
            savedAfterBatch.add(new OffsetStore(offsets).position(log).map(FilePosition::line).orElse(-1L));
        });

        assertThat(batches).extracting(List::size).containsExactly(2, 2, 1);
        // Read when the handler runs, so each shows the position before its own batch.
        assertThat(savedAfterBatch).containsExactly(0L, 2L, 4L);
        assertThat(new OffsetStore(offsets).position(log)).hasValueSatisfying(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.offset()).isEqualTo(10);
        });
    }

    @Test
    void aMissingFileIsNotAnErrorAndIsReadOnceItAppears() throws Exception {
        LogFollower follower = follower(100);
        assertThat(follower.poll(batches::add)).isFalse();

        append(log, "one\n");
        assertThat(poll(follower)).containsExactly(tuple(1L, "one"));
    }

    @Test
    void aLineLongerThanTheLimitIsHandedOverInPieces() throws Exception {
        append(log, "abcdefghij\nxy\n");
        LogFollower follower = new LogFollower(log, new OffsetStore(offsets), 100, 4);
        followers.add(follower);

        assertThat(poll(follower)).containsExactly(tuple(1L, "abcd"), tuple(2L, "efgh"), tuple(3L, "ij"),
                tuple(4L, "xy"));
    }

    private LogFollower follower(int batchLines) {
        LogFollower follower = new LogFollower(log, new OffsetStore(offsets), batchLines, 64 * 1024);
        followers.add(follower);
        return follower;
    }

    private List<org.assertj.core.groups.Tuple> poll(LogFollower follower) throws Exception {
        List<LogLine> lines = new ArrayList<>();
        follower.poll(lines::addAll);
        return lines.stream().map(l -> tuple(l.number(), l.text())).toList();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
