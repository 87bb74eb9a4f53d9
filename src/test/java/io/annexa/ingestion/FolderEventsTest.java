package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When an inbox route lists its folder: on the operating system's word that something happened there, or a rescan. */
class FolderEventsTest {

    private static final long RESCAN = 60_000;

    @TempDir
    Path temp;

    private final AtomicLong now = new AtomicLong(1_000_000);
    /** Whether the folders' file system counts as one that reports every change. */
    private boolean notifiedFileSystem;
    private final FolderEvents events = new FolderEvents(RESCAN, now::get, folder -> notifiedFileSystem);
    private final CamelContext camel = new DefaultCamelContext();
    private Path inbox;
    private Endpoint endpoint;

    @BeforeEach
    void setUp() throws Exception {
        inbox = Files.createDirectories(temp.resolve("inbox"));
        endpoint = camel.getEndpoint("file:" + inbox + "?noop=true");
    }

    @AfterEach
    void tearDown() throws Exception {
        events.close();
        camel.close();
    }

    @Test
    void aQuietFolderIsListedOnceAndThenOnlyAtTheRescan() {
        assertThat(events.begin(null, endpoint)).as("the first poll lists it").isTrue();
        events.commit(null, endpoint, 0);

        assertThat(events.begin(null, endpoint)).as("nothing happened").isFalse();
        now.addAndGet(RESCAN - 1);
        assertThat(events.begin(null, endpoint)).isFalse();
        now.addAndGet(1);
        assertThat(events.begin(null, endpoint)).as("rescan due").isTrue();
        assertThat(events.begin(null, endpoint)).isFalse();
    }

    @Test
    void aQuietFolderOnAFileSystemThatReportsEveryChangeIsListedAgainOnlyOnceAnHour() {
        notifiedFileSystem = true;
        assertThat(events.begin(null, endpoint)).as("the first poll lists it").isTrue();
        events.commit(null, endpoint, 0);

        now.addAndGet(RESCAN);
        assertThat(events.begin(null, endpoint)).as("the network file systems' rescan does not apply").isFalse();
        now.addAndGet(FolderEvents.NOTIFIED_RESCAN_MS - RESCAN);
        assertThat(events.begin(null, endpoint)).as("the hourly one does").isTrue();
        assertThat(events.begin(null, endpoint)).isFalse();
    }

    @Test
    void aFileWrittenCreatedOrDeletedInTheFolderMakesTheNextPollListIt() throws Exception {
        events.begin(null, endpoint);
        events.commit(null, endpoint, 0);

        Path web1 = Files.writeString(inbox.resolve("web1"), "PermitRootLogin no\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> events.begin(null, endpoint));
        assertThat(events.begin(null, endpoint)).as("told once").isFalse();

        Files.writeString(web1, "PermitRootLogin yes\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> events.begin(null, endpoint));

        Files.delete(web1);
        await().atMost(Duration.ofSeconds(30)).until(() -> events.begin(null, endpoint));
    }

    @Test
    void aPollThatReadSomethingOrFailedIsFollowedByAnother() throws Exception {
        events.begin(null, endpoint);
        events.commit(null, endpoint, 3);
        assertThat(events.begin(null, endpoint)).as("there may be more").isTrue();

        events.rollback(null, endpoint, 0, new java.io.IOException("disk gone"));
        assertThat(events.begin(null, endpoint)).isTrue();
        events.commit(null, endpoint, 0);
        assertThat(events.begin(null, endpoint)).isFalse();
    }

    @Test
    void aFileForgottenToBeReadAgainMakesItsFolderListed() {
        events.begin(null, endpoint);
        events.commit(null, endpoint, 0);

        events.readAgain(inbox.resolve("web1"));

        assertThat(events.begin(null, endpoint)).isTrue();
    }

    @Test
    void aFolderThatCannotBeWatchedIsListedAtEveryPoll() {
        Endpoint missing = camel.getEndpoint("file:" + temp.resolve("not-there") + "?noop=true&autoCreate=false");

        assertThat(events.begin(null, missing)).isTrue();
        assertThat(events.begin(null, missing)).isTrue();
    }
}
