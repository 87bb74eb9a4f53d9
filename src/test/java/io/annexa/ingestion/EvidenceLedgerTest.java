package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on its own, on real files: what it records, withdraws, saves and refuses to read. */
class EvidenceLedgerTest {

    private static final String ROUTE = "sshd-config-inbox";

    @TempDir
    Path temp;

    private final CollectingSink sink = new CollectingSink();
    private final SourceMonitor monitor = new SourceMonitor();

    @Test
    void aFileBeyondTheCapIsNotRecordedAndCountedAndItsDeletionWithdrawsNothing() throws IOException {
        EvidenceLedger ledger = ledger(2);
        Path a = file("a");
        Path b = file("b");
        Path c = file("c");
        ledger.handOver(ROUTE, a, Map.of(key("a"), List.of()), () -> { });
        ledger.handOver(ROUTE, b, Map.of(key("b"), List.of()), () -> { });
        ledger.handOver(ROUTE, c, Map.of(key("c"), List.of()), () -> { });

        assertThat(sink.keys()).as("handed over all the same").containsExactly(key("a"), key("b"), key("c"));
        assertThat(monitor.counters(ROUTE).flag(SourceMonitor.EVIDENCE_LEDGER_FULL)).isEqualTo(1);
        Files.delete(c);
        Files.delete(a);
        ledger.sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).containsExactly(key("a"));
        assertThat(monitor.counters(ROUTE).flag(SourceMonitor.EVIDENCE_WITHDRAWN)).isEqualTo(1);
        assertThat(Files.readAllLines(store())).filteredOn(line -> !line.startsWith("#"))
                .containsExactly(LedgerFile.line(b.toString(), key("b")));
    }

    @Test
    void aFileNameWithTabsLineBreaksAndBackslashesSurvivesARestart() throws IOException {
        Path odd = file("web1\tcopy\nnew\\old");
        EvidenceLedger before = ledger(100);
        before.handOver(ROUTE, odd, Map.of(key("web1"), List.of()), () -> { });
        before.close();

        Files.delete(odd);
        EvidenceLedger after = ledger(100);
        after.sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).containsExactly(key("web1"));
        assertThat(Files.readAllLines(store())).allMatch(line -> line.startsWith("#"));
    }

    @Test
    void aReadWithoutAKeyTheFilesPreviousReadHadWithdrawsIt() throws IOException {
        EvidenceLedger ledger = ledger(100);
        Path scan = file("scan.xml");
        AtomicInteger otherReadAgain = new AtomicInteger();
        ledger.handOver(ROUTE, scan, Map.of(key("vm"), List.of(), key("db1"), List.of()), () -> { });
        Path other = file("other.xml");
        ledger.handOver(ROUTE, other, Map.of(key("db1"), List.of()), otherReadAgain::incrementAndGet);

        ledger.handOver(ROUTE, scan, Map.of(key("web1"), List.of()), () -> { });

        assertThat(sink.withdrawals()).as("db1 is still in other.xml").containsExactly(key("vm"));
        assertThat(otherReadAgain).as("other.xml is read again: the db1 evidence in force was scan.xml's").hasValue(1);
    }

    @Test
    void aDamagedLedgerLosesOnlyItsDamagedLines() throws IOException {
        Path gone = temp.resolve("inbox/gone");
        String good = LedgerFile.line(gone.toString(), key("web1"));
        Files.createDirectories(store().getParent());
        Files.writeString(store(), String.join("\n",
                "# header",
                good,
                gone + "\tsshd_config\tweb2",
                gone + "\tsshd_config\tweb3\tsshd-config-inbox\\x",
                gone + "\tsshd_config\tw\u0435b4\tsshd-config-inbox",
                "../outside\tsshd_config\tweb5\tsshd-config-inbox",
                "/" + "x".repeat(LedgerFile.MAX_LINE) + "\tsshd_config\tweb6\tsshd-config-inbox",
                ""), StandardCharsets.UTF_8);

        List<String> problems = new ArrayList<>();
        assertThat(LedgerFile.read(store(), 100, problems::add).files()).containsOnlyKeys(gone.toString());
        assertThat(problems).containsExactly(
                store() + ":3: 3 fields instead of 4 (file, source, asset, origin), skipped",
                store() + ":4: origin has an unknown escape at character 18 (only \\t \\n \\r \\\\), skipped",
                store() + ":5: asset name 'w\u0435b4' is not a valid asset name: it has '\u0435' (U+0435) at position 2;"
                        + " only letters a-z, digits, '.', '-' and '_' are allowed, skipped",
                store() + ":6: file '../outside' is neither an absolute path nor a name inside the route's folder, skipped",
                store() + ":7: line longer than 16384 characters, skipped");

        ledger(100).sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).containsExactly(key("web1"));
    }

    @Test
    void aLedgerFileLongerThanTheCapIsReadUpToTheCap() throws IOException {
        Files.createDirectories(store().getParent());
        Files.writeString(store(), LedgerFile.line(temp.resolve("a").toString(), key("a")) + "\n"
                + LedgerFile.line(temp.resolve("b").toString(), key("b")) + "\n", StandardCharsets.UTF_8);

        ledger(1).sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).containsExactly(key("a"));
        assertThat(monitor.counters(ROUTE).flag(SourceMonitor.EVIDENCE_LEDGER_FULL)).isEqualTo(1);
    }

    @Test
    void aCapThatIsNotAWholeNumberIsRefusedNamingTheSetting() {
        SourceContext context = new SourceContext(sink, monitor, temp,
                key -> Optional.of("lots").filter(v -> key.equals(EvidenceLedger.MAX_ENTRIES_SETTING)), null, 1024);

        assertThatThrownBy(() -> EvidenceLedger.of(context)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("annexa.sources.evidence-ledger.max-entries: 'lots' is not a whole number");
    }

    /** The bundled samples are unpacked to a new folder at every start: the same files, under another absolute name. */
    @Test
    void filesOfARouteWhoseFolderMovedBetweenRunsAreNotTakenForDeletedButADeletedOneStillIs() throws IOException {
        Path firstRun = Files.createDirectories(temp.resolve("run-1/samples"));
        Path web = Files.writeString(firstRun.resolve("web-01"), "PermitRootLogin yes\n");
        Path bastion = Files.writeString(firstRun.resolve("bastion-01"), "PermitRootLogin no\n");
        EvidenceLedger before = ledger(100);
        before.useFolders(route -> Optional.of(firstRun));
        before.handOver(ROUTE, web, Map.of(key("web-01"), List.of()), () -> { });
        before.handOver(ROUTE, bastion, Map.of(key("bastion-01"), List.of()), () -> { });
        before.close();

        Path secondRun = Files.createDirectories(temp.resolve("run-2/samples"));
        Files.writeString(secondRun.resolve("web-01"), "PermitRootLogin yes\n");
        EvidenceLedger after = ledger(100);
        after.useFolders(route -> Optional.of(secondRun));
        after.sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).as("web-01 is there in the new folder; bastion-01 is not").containsExactly(key("bastion-01"));
        assertThat(Files.readAllLines(store())).filteredOn(line -> !line.startsWith("#"))
                .containsExactly(LedgerFile.line("web-01", key("web-01")));
    }

    @Test
    void aRecordedNameRelativeToAFolderNotKnownYetIsNeverTakenForDeleted() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("samples"));
        EvidenceLedger before = ledger(100);
        before.useFolders(route -> Optional.of(folder));
        before.handOver(ROUTE, Files.writeString(folder.resolve("web-01"), "x\n"), Map.of(key("web-01"), List.of()), () -> { });
        before.close();

        EvidenceLedger after = ledger(100);
        after.sweep(List.of(ROUTE));

        assertThat(sink.withdrawals()).isEmpty();
    }

    private EvidenceLedger ledger(int max) {
        return new EvidenceLedger(temp.resolve("state/evidence-ledger"), sink, monitor, max);
    }

    private Path store() {
        return temp.resolve("state/evidence-ledger").resolve(ROUTE + ".tsv");
    }

    private Path file(String name) throws IOException {
        return Files.writeString(Files.createDirectories(temp.resolve("inbox")).resolve(name), "PermitRootLogin no\n");
    }

    private static EvidenceKey key(String asset) {
        return new EvidenceKey("sshd_config", asset, ROUTE);
    }
}
