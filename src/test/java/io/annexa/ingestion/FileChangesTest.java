package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file routes' repository of what they read, driven as Camel's file consumer drives it (eager: add, then confirm). */
class FileChangesTest {

    @TempDir
    Path temp;

    @Test
    void aFileIsNewUntilReadAndNewAgainWhenItsTimeOrSizeChanges() {
        FileChanges changes = FileChanges.at(temp.resolve("state.tsv"));

        assertThat(changes.add("1000:20:/inbox/sshd_config/web1")).as("listed the first time").isTrue();
        assertThat(changes.confirm("1000:20:/inbox/sshd_config/web1")).isTrue();
        assertThat(changes.add("1000:20:/inbox/sshd_config/web1")).as("listed again unchanged").isFalse();
        assertThat(changes.contains("1000:20:/inbox/sshd_config/web1")).isTrue();
        assertThat(changes.add("1001:20:/inbox/sshd_config/web1")).as("touched").isTrue();
        assertThat(changes.add("1001:21:/inbox/sshd_config/web1")).as("grown").isTrue();
        assertThat(changes.contains("1001:20:/inbox/sshd_config/web1")).as("only the last version counts").isFalse();
    }

    @Test
    void oneEntryPerFileHoweverOftenItChanges() {
        FileChanges changes = FileChanges.at(temp.resolve("state.tsv"));
        for (int version = 0; version < 5_000; version++) {
            changes.add(version + ":20:/inbox/sshd_config/web1");
        }
        changes.add("1:1:/inbox/sshd_config/web2");

        assertThat(changes.size()).isEqualTo(2);
    }

    @Test
    void thePathMayHoldTheSeparator() {
        FileChanges changes = FileChanges.at(temp.resolve("state.tsv"));
        changes.add("7:3:/inbox/sshd_config/odd:name:1");

        assertThat(changes.contains("7:3:/inbox/sshd_config/odd:name:1")).isTrue();
        assertThat(changes.contains("7:3:/inbox/sshd_config/odd:name")).isFalse();
    }

    @Test
    void aKeyNotWrittenAsTheRoutesWriteItIsRefusedNamingTheExpression() {
        FileChanges changes = FileChanges.at(temp.resolve("state.tsv"));

        assertThatThrownBy(() -> changes.contains("web1-1000-20")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(FileChanges.KEY_EXPRESSION);
        assertThatThrownBy(() -> changes.add("x:20:/inbox/web1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangeToAFileOrFolderTheIncludesLedToIsAChangeOfTheFileRead() throws IOException {
        Path main = Files.writeString(temp.resolve("sshd_config"), "Include /etc/ssh/sshd_config.d/*.conf\n");
        Path dropIns = Files.createDirectories(temp.resolve("sshd_config.d"));
        Path dropIn = Files.writeString(dropIns.resolve("10-x.conf"), "PermitRootLogin no\n");
        FileChanges changes = FileChanges.at(temp.resolve("state.tsv"));
        String key = key(main);

        assertThat(changes.add(key)).isTrue();
        changes.dependsOn(main, Map.of(dropIns, FileChanges.Version.of(dropIns), dropIn, FileChanges.Version.of(dropIn)));
        changes.confirm(key);
        assertThat(changes.contains(key)).isTrue();

        Files.setLastModifiedTime(dropIn, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(changes.contains(key)).as("the drop-in changed").isFalse();
        assertThat(changes.add(key)).isTrue();
        changes.dependsOn(main, Map.of(dropIns, FileChanges.Version.of(dropIns), dropIn, FileChanges.Version.of(dropIn)));
        changes.confirm(key);
        assertThat(changes.contains(key)).isTrue();

        Files.writeString(dropIns.resolve("20-y.conf"), "MaxAuthTries 3\n");
        Files.setLastModifiedTime(dropIns, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(changes.contains(key)).as("a drop-in appeared in the folder").isFalse();
    }

    @Test
    void afterARestartEveryFileIsReadAgainThoseChangedSinceFirst() throws IOException {
        Path store = temp.resolve("state").resolve("file-reads.tsv");
        List<Path> files = new ArrayList<>();
        FileChanges before = FileChanges.at(store);
        for (String name : List.of("web1", "web2", "web3")) {
            Path file = Files.writeString(temp.resolve(name), "PermitRootLogin no\n");
            files.add(file);
            before.add(key(file));
            before.confirm(key(file));
        }
        before.saveIfChanged();
        Files.writeString(files.get(2), "PermitRootLogin yes\n");
        Files.setLastModifiedTime(files.get(2), FileTime.from(Instant.now().plusSeconds(5)));

        FileChanges after = FileChanges.at(store);

        assertThat(files).as("the session is empty after a restart: nothing counts as read yet")
                .noneMatch(file -> after.contains(key(file)));
        List<GenericFile<?>> listed = new ArrayList<>(files.stream().map(FileChangesTest::listed).toList());
        listed.sort(after.changedFirst());
        assertThat(listed).extracting(GenericFile::getAbsoluteFilePath)
                .containsExactly(files.get(2).toString(), files.get(0).toString(), files.get(1).toString());
    }

    @Test
    void filesDeletedWhileDownLeaveTheStore() throws IOException {
        Path store = temp.resolve("file-reads.tsv");
        Path kept = Files.writeString(temp.resolve("kept"), "x\n");
        Path gone = Files.writeString(temp.resolve("gone"), "y\n");
        FileChanges before = FileChanges.at(store);
        before.add(key(kept));
        before.add(key(gone));
        before.saveIfChanged();
        Files.delete(gone);

        FileChanges after = FileChanges.at(store);
        after.add(key(kept));
        after.saveIfChanged();

        assertThat(Files.readAllLines(store)).filteredOn(line -> !line.startsWith("#"))
                .containsExactly(kept + "\t" + Files.getLastModifiedTime(kept).toMillis() + "\t2");
    }

    @Test
    void linesThatDoNotParseAreSkippedAndTheRestKept() throws IOException {
        Path store = temp.resolve("file-reads.tsv");
        Path file = Files.writeString(temp.resolve("web1"), "x\n");
        long modified = Files.getLastModifiedTime(file).toMillis();
        Files.writeString(store, "# header\nnot\ta\tnumber\nrelative/name\t1\t2\n" + file + "\t" + modified + "\t2\n");

        FileChanges changes = FileChanges.at(store);
        List<GenericFile<?>> listed = new ArrayList<>(List.of(listed(file), listed(temp.resolve("other"))));
        listed.sort(changes.changedFirst());

        assertThat(listed.get(1).getAbsoluteFilePath()).as("web1 is known unchanged: after the other").isEqualTo(file.toString());
    }

    private static String key(Path file) {
        FileChanges.Version version = FileChanges.Version.of(file);
        return version.modified() + ":" + version.size() + ":" + file.toAbsolutePath();
    }

    private static GenericFile<?> listed(Path file) {
        GenericFile<File> listed = new GenericFile<>();
        listed.setAbsoluteFilePath(file.toAbsolutePath().toString());
        FileChanges.Version version = FileChanges.Version.of(file);
        listed.setLastModified(version.modified());
        listed.setFileLength(version.size());
        return listed;
    }
}
