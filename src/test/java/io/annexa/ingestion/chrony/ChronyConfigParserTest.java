package io.annexa.ingestion.chrony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronyConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path root;

    // ---------------------------------------------------------------- real Debian default

    @Test
    void debianDefaultYieldsEveryDirectiveLineWithIncludesOff() throws Exception {
        Path file = corpus();

        ConfigSnapshot snapshot = ChronyConfigParser.withoutIncludes().parse(file, "Ntp1.example.org.", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("ntp1.example.org", "chrony.conf", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(5, "confdir", "/etc/chrony/conf.d", ""),
                tuple(8, "pool", "2.debian.pool.ntp.org iburst", ""),
                tuple(11, "sourcedir", "/run/chrony-dhcp", ""),
                tuple(14, "sourcedir", "/etc/chrony/sources.d", ""),
                tuple(18, "keyfile", "/etc/chrony/chrony.keys", ""),
                tuple(22, "driftfile", "/var/lib/chrony/chrony.drift", ""),
                tuple(25, "ntsdumpdir", "/var/lib/chrony", ""),
                tuple(31, "logdir", "/var/log/chrony", ""),
                tuple(34, "maxupdateskew", "100.0", ""),
                tuple(38, "rtcsync", "", ""),
                tuple(42, "makestep", "1 3", ""),
                tuple(47, "leapsectz", "right/UTC", ""));
        assertThat(snapshot.entries()).allSatisfy(e -> {
            assertThat(e.getAsset()).isEqualTo("ntp1.example.org");
            assertThat(e.getSource()).isEqualTo(ChronyConfigParser.SOURCE);
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getObservedAt()).isEqualTo(OBSERVED);
        });
        // not followed, so said: what the included files set is unknown
        assertThat(snapshot.unresolved()).extracting(u -> u.getLine() + " " + u.getPattern())
                .containsExactly("5 /etc/chrony/conf.d", "11 /run/chrony-dhcp", "14 /etc/chrony/sources.d");
        assertThat(snapshot.facts()).hasSize(16).first().isEqualTo(snapshot.file());
    }

    @Test
    void debianDefaultFollowsConfdirInPlaceAndSourcedirAfterTheMainFile() throws Exception {
        Path main = copyCorpus("etc/chrony/chrony.conf");
        Path servers = write("etc/chrony/conf.d/10-servers.conf", "SERVER   ntp1.example.org\t iburst prefer\n");
        write("etc/chrony/conf.d/README", "server ignored.example.org\n");
        Path sources = write("etc/chrony/sources.d/corp.sources", "# company pool\npool pool.example.org iburst maxsources 2\n");
        // /run/chrony-dhcp does not exist: skipped, as chronyd does.

        List<ConfigEntry> entries = new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue)
                .containsSubsequence(
                        tuple(main.toString(), 5, "confdir", "/etc/chrony/conf.d"),
                        tuple(servers.toString(), 1, "server", "ntp1.example.org iburst prefer"),
                        tuple(main.toString(), 8, "pool", "2.debian.pool.ntp.org iburst"),
                        tuple(main.toString(), 47, "leapsectz", "right/UTC"),
                        tuple(sources.toString(), 2, "pool", "pool.example.org iburst maxsources 2"))
                .hasSize(14);
        assertThat(entries).extracting(ConfigEntry::getValue).doesNotContain("ignored.example.org");
    }

    // ---------------------------------------------------------------- hand-written variants

    @Test
    void commentsOfEveryKindAndCaseAndWhiteSpaceAreReadAsChronydReadsThem() throws Exception {
        assertThat(rows(parse("""
                # hash
                ! bang
                ; semicolon
                % percent
                   # indented
                Server\tntp.example.org    iburst\r
                  MakeStep 1.0   -1
                """))).containsExactly(
                tuple(6, "server", "ntp.example.org iburst", ""),
                tuple(7, "makestep", "1.0 -1", ""));
    }

    @Test
    void sourcesAccumulateSoEveryLineIsAnEntry() throws Exception {
        assertThat(rows(parse("server a.example.org\nserver b.example.org\npeer c.example.org\nrefclock PHC /dev/ptp0\n")))
                .extracting(t -> t.toList().get(1)).containsExactly("server", "server", "peer", "refclock");
    }

    @Test
    void aFileWithoutSourcesHasNoSourceEntry() throws Exception {
        assertThat(parse("driftfile /var/lib/chrony/drift\nmakestep 1 3\n")).extracting(ConfigEntry::getKey)
                .doesNotContain("server", "pool", "peer");
    }

    @Test
    void includeGlobsAreReadInPlaceInLexicalOrderAndSkipHiddenFiles() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "include /etc/chrony/extra/*.conf\nmakestep 1 3\n");
        Path b = write("etc/chrony/extra/b.conf", "server b.example.org\n");
        Path a = write("etc/chrony/extra/a.conf", "server a.example.org\n");
        write("etc/chrony/extra/.hidden.conf", "server hidden.example.org\n");

        List<ConfigEntry> entries = new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue).containsExactly(
                tuple(main.toString(), "include", "/etc/chrony/extra/*.conf"),
                tuple(a.toString(), "server", "a.example.org"),
                tuple(b.toString(), "server", "b.example.org"),
                tuple(main.toString(), "makestep", "1 3"));
    }

    @Test
    void aConfdirFileHidesTheSameNameInLaterDirectoriesAndNamesSortAcrossDirectories() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "confdir /etc/chrony/first /etc/chrony/second\n");
        Path first = write("etc/chrony/first/20-x.conf", "server first.example.org\n");
        write("etc/chrony/second/20-x.conf", "server hidden.example.org\n");
        Path second = write("etc/chrony/second/10-y.conf", "server second.example.org\n");

        List<ConfigEntry> entries = new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getValue).containsExactly(
                tuple(main.toString(), "/etc/chrony/first /etc/chrony/second"),
                tuple(second.toString(), "second.example.org"),
                tuple(first.toString(), "first.example.org"));
    }

    @Test
    void withoutIncludesTheLinesAreRecordedButNothingIsRead() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "confdir /etc/chrony/conf.d\ninclude /etc/chrony/*.conf\n");
        write("etc/chrony/conf.d/10.conf", "server x.example.org\n");

        assertThat(rows(ChronyConfigParser.withoutIncludes().parse(main, "ntp1", OBSERVED).entries())).containsExactly(
                tuple(1, "confdir", "/etc/chrony/conf.d", ""),
                tuple(2, "include", "/etc/chrony/*.conf", ""));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void aSourceOrIncludeWithoutValueIsRejected() throws Exception {
        assertInvalid("makestep 1 3\npool\n", 2, "'pool' has no value");
        assertInvalid("server   \n", 1, "'server' has no value");
        assertInvalid("confdir\n", 1, "'confdir' has no value");
    }

    @Test
    void aCommentAfterADirectiveIsRejectedBecauseChronydRefusesTheLine() throws Exception {
        assertInvalid("pool 2.debian.pool.ntp.org iburst # Debian\n", 1, "'#' after 'pool' is no comment");
    }

    @Test
    void aSourcesFileMayHoldSourcesOnly() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "sourcedir /etc/chrony/sources.d\n");
        Path sources = write("etc/chrony/sources.d/bad.sources", "server a.example.org\nmakestep 1 3\n");

        assertInvalid(() -> new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED), sources, 2, "'makestep' in a .sources file");
    }

    @Test
    void anIncludeLoopEndsWithTheFileAndLineOfTheLastInclude() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "include /etc/chrony/loop.conf\n");
        Path loop = write("etc/chrony/loop.conf", "# includes itself\ninclude /etc/chrony/loop.conf\n");

        assertInvalid(() -> new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED), loop, 2, "16 levels deep");
    }

    @Test
    void anIncludeCannotLeaveTheIncludeRoot() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "server a.example.org\ninclude /../../../../etc/passwd\n");

        assertInvalid(() -> new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED), main, 2, "leads outside");
    }

    @Test
    void binaryContentIsRejectedAtItsLine() throws Exception {
        Path file = root.resolve("chrony.conf");
        Files.write(file, "server a\nser\0ver b\n".getBytes(StandardCharsets.UTF_8));

        assertInvalid(() -> ChronyConfigParser.withoutIncludes().parse(file, "ntp1", OBSERVED), file, 2, "NUL");
    }

    // ---------------------------------------------------------------- helpers

    private Path corpus() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/chrony.conf")).toURI());
    }

    private Path copyCorpus(String relative) throws IOException, URISyntaxException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        return Files.copy(corpus(), target);
    }

    /** Found by fuzzing: "include /etc/*" matching a directory ended in an IOException naming no file. */
    @Test
    void anIncludeGlobMatchingADirectoryReadsOnlyTheFiles() throws Exception {
        Path main = write("etc/chrony/chrony.conf", "include /etc/*\npool 2.debian.pool.ntp.org iburst\n");
        write("etc/ntp.conf", "server 192.0.2.1 iburst\n");

        assertThat(rows(new ChronyConfigParser(root).parse(main, "ntp1", OBSERVED).entries())).containsExactly(
                tuple(1, "include", "/etc/*", ""),
                tuple(1, "server", "192.0.2.1 iburst", ""),
                tuple(2, "pool", "2.debian.pool.ntp.org iburst", ""));
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return ChronyConfigParser.withoutIncludes().parse(write("chrony.conf", content), "ntp1", OBSERVED).entries();
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue(), e.getScope())).toList();
    }

    private void assertInvalid(String content, int line, String reason) throws IOException {
        Path file = write("chrony.conf", content);
        assertInvalid(() -> ChronyConfigParser.withoutIncludes().parse(file, "ntp1", OBSERVED), file, line, reason);
    }

    private static void assertInvalid(ThrowingCallable parse, Path file, int line, String reason) {
        assertThatThrownBy(parse).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(line);
            assertThat(e.getReason()).contains(reason);
            assertThat(e.getMessage()).startsWith(file + ":" + line + ": ");
        });
    }
}
