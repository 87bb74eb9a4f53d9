package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {

    private static final String ROUTE = "syslog-udp";
    private static final long BUDGET = 256 * 1024;

    @TempDir
    Path data;

    private final SourceMonitor monitor = new SourceMonitor();

    @Test
    void aReceiversRejectsRollOverFilesAndTheOldestAreDeletedFirstWithinTheBudget() throws IOException {
        DeadLetters deadLetters = new DeadLetters(data, monitor, BUDGET);
        int messages = 20_000;
        for (int i = 0; i < messages; i++) {
            DeadLetters.Rejects rejects = deadLetters.rejects(ROUTE, "network", true);
            rejects.add("from 192.0.2.7", "garbage message number " + i, "syslog-udp message from 192.0.2.7: not a syslog message");
            rejects.flush();
        }

        List<Path> files = files();
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        assertThat(bytes).isLessThanOrEqualTo(BUDGET);
        assertThat(files).hasSizeBetween(2, (int) (BUDGET / DeadLetters.MIN_SEGMENT_BYTES) + 1);
        long kept = 0;
        for (Path f : files) {
            kept += Files.readAllLines(f).stream().filter(l -> l.startsWith("from ")).count();
        }
        SourceMonitor.Counters counters = monitor.counters(ROUTE);
        assertThat(counters.errors()).isEqualTo(messages);
        assertThat(counters.flag(SourceMonitor.DEAD_LETTERS_DROPPED)).isPositive().isEqualTo(messages - kept);
        // the newest are kept: the last message is on disk, the first is not
        String newest = Files.readString(files.get(files.size() - 1));
        assertThat(newest).contains("garbage message number " + (messages - 1));
        assertThat(Files.readString(files.get(0))).doesNotContain("garbage message number 0\n");
    }

    @Test
    void theRejectsOfOneInputGoIntoOneFileWithTheirPlaces() throws IOException {
        DeadLetters deadLetters = new DeadLetters(data, monitor, BUDGET);
        DeadLetters.Rejects rejects = deadLetters.rejects("logs-inbox", "/inbox/logs/web1.log", false);
        rejects.add("line 3", "### not a log line", "/inbox/logs/web1.log:3: not a syslog line");
        rejects.flush();
        rejects.add("line 9", "two\nlines", "/inbox/logs/web1.log:9: not a syslog line");
        rejects.flush();

        assertThat(Files.list(data.resolve("logs-inbox")).toList()).singleElement().satisfies(f -> {
            assertThat(f.getFileName().toString()).endsWith("-web1.log" + DeadLetters.ITEMS_SUFFIX);
            assertThat(f).hasContent("""
                    # route: logs-inbox
                    # input: /inbox/logs/web1.log
                    # each rejected item: where: reason, then its text indented by a tab
                    line 3: /inbox/logs/web1.log:3: not a syslog line
                    \t### not a log line
                    line 9: /inbox/logs/web1.log:9: not a syslog line
                    \ttwo
                    \tlines""");
        });
        assertThat(monitor.counters("logs-inbox").deadLetters()).isEqualTo(2);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(data.resolve(ROUTE))) {
            return list.sorted().toList();
        }
    }
}
