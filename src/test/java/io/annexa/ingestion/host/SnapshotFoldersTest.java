package io.annexa.ingestion.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a host snapshot folder is read, on a clock the test moves: after it settled, and again only when it changed. */
class SnapshotFoldersTest {

    private static final long RESCAN = 60_000;

    @TempDir
    Path temp;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SnapshotFolders folders = new SnapshotFolders(RESCAN, now::get);

    @Test
    void aSnapshotIsReadOnceItHasStayedTheSameForAPollAndNotAgainWhileUnchanged() throws Exception {
        Path inbox = Files.createDirectories(temp.resolve("hosts"));
        Path web1 = snapshot(temp.resolve("staging/web1"), "PermitRootLogin no\n");
        Files.move(web1, inbox.resolve("web1"));

        assertThat(poll(inbox)).as("just seen: it may still be filling").isEmpty();
        assertThat(poll(inbox)).containsExactly(inbox.resolve("web1").toFile());
        assertThat(poll(inbox)).isEmpty();
        now.addAndGet(RESCAN);
        assertThat(poll(inbox)).as("listed again after rescan-ms, unchanged").isEmpty();
    }

    @Test
    void aSnapshotMovedInAnewIsSeenAtOnceAFileEditedInPlaceAtTheNextRescan() throws Exception {
        Path inbox = Files.createDirectories(temp.resolve("hosts"));
        Path web1 = snapshot(inbox.resolve("web1"), "PermitRootLogin no\n");
        poll(inbox);
        poll(inbox);

        // a collector's next snapshot: a new folder moved into place
        Path next = snapshot(temp.resolve("staging/web1"), "PermitRootLogin yes\n");
        Files.move(web1, temp.resolve("old-web1"));
        Files.move(next, web1);
        poll(inbox);
        assertThat(poll(inbox)).containsExactly(web1.toFile());

        // edited in place, two folders down: the snapshot's own folder does not change
        Files.writeString(web1.resolve("etc/ssh/sshd_config"), "PermitRootLogin prohibit-password\n");
        assertThat(poll(inbox)).isEmpty();
        now.addAndGet(RESCAN);
        assertThat(poll(inbox)).as("listed, changed, settling").isEmpty();
        assertThat(poll(inbox)).containsExactly(web1.toFile());
    }

    @Test
    void aSnapshotAskedForAgainIsReadAgainThoughUnchanged() throws Exception {
        Path inbox = Files.createDirectories(temp.resolve("hosts"));
        Path web1 = snapshot(inbox.resolve("web1"), "PermitRootLogin no\n");
        poll(inbox);
        poll(inbox);

        folders.readAgain(web1);

        assertThat(poll(inbox)).containsExactly(web1.toFile());
    }

    private List<File> poll(Path inbox) throws Exception {
        return folders.due(inbox, 1000);
    }

    private static Path snapshot(Path root, String sshdConfig) throws Exception {
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.writeString(root.resolve("etc/ssh/sshd_config"), sshdConfig);
        return root;
    }
}
