package io.annexa.ingestion.pwquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PwqualityConfParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    void debianBookwormDefaultIsAllCommentsSoOnlyTheFileIsReported() throws Exception {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/pwquality.conf")).toURI());

        ConfigSnapshot snapshot = new PwqualityConfParser(null).parse(file, "Web1", OBSERVED);

        assertThat(snapshot.entries()).isEmpty();
        assertThat(snapshot.facts()).containsExactly(new ConfigFile("web1", "pwquality.conf", file.toString(), OBSERVED));
    }

    @Test
    void isRegisteredUnderItsSourceName() {
        assertThat(new PwqualityConfParser(null).source()).isEqualTo("pwquality.conf");
        assertThat(ConfigParsers.forSource("pwquality.conf")).get().isInstanceOf(PwqualityConfParser.class);
    }

    @Test
    void settingsWithOrWithoutEqualsSignAndBlanks() throws Exception {
        List<ConfigEntry> entries = parse("""
                minlen = 14
                dcredit=-1
                ucredit   -1
                  lcredit =   -1   # at least one lower-case letter
                ocredit= -1
                minclass =4
                maxrepeat = 3
                retry = 3
                dictcheck = 1
                badwords = acme annexa secret
                dictpath =
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "minlen", "14"),
                tuple(2, "dcredit", "-1"),
                tuple(3, "ucredit", "-1"),
                tuple(4, "lcredit", "-1"),
                tuple(5, "ocredit", "-1"),
                tuple(6, "minclass", "4"),
                tuple(7, "maxrepeat", "3"),
                tuple(8, "retry", "3"),
                tuple(9, "dictcheck", "1"),
                tuple(10, "badwords", "acme annexa secret"),
                tuple(11, "dictpath", ""));
        assertThat(entries).allSatisfy(e -> assertThat(e.getScope()).isEmpty());
    }

    @Test
    void flagsAreOnByBeingPresentWhateverFollowsThem() throws Exception {
        assertThat(rows(parse("enforce_for_root\nlocal_users_only = 0\nFutureFlag\n"))).containsExactly(
                tuple(1, "enforce_for_root", "true"),
                tuple(2, "local_users_only", "true"),
                tuple(3, "FutureFlag", "true"));
    }

    @Test
    void namesAreCaseInsensitiveAndTheLastValueWins() throws Exception {
        assertThat(rows(parse("MINLEN = 8\nretry = 1\nMinLen = 12\nminlen=15\n"))).containsExactly(
                tuple(2, "retry", "1"),
                tuple(4, "minlen", "15"));
    }

    @Test
    void unknownSettingsAreKeptAsWrittenAndReadingGoesOn() throws Exception {
        assertThat(rows(parse("maxsequence = 3\nfuture_check = strict\nminlen = 14\n"))).containsExactly(
                tuple(1, "maxsequence", "3"),
                tuple(2, "future_check", "strict"),
                tuple(3, "minlen", "14"));
    }

    @Test
    void withAnIncludeRootDropInsAreReadFirstInNameOrderAndTheMainFileOverridesThem() throws Exception {
        Path dropIns = Files.createDirectories(dir.resolve("root/etc/security/pwquality.conf.d"));
        Path second = Files.writeString(dropIns.resolve("50-site.conf"), "minlen = 12\nminclass = 3\n");
        Path first = Files.writeString(dropIns.resolve("10-base.conf"), "minlen = 10\ndifok = 5\n");
        Files.writeString(dropIns.resolve("20-ignored.conf.bak"), "minlen = 99\n");
        Files.writeString(dropIns.resolve("30-ignored.conf.conf"), "minlen = 98\n");
        Path main = write("minclass = 4\n");

        List<ConfigEntry> entries = new PwqualityConfParser(dir.resolve("root")).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue)
                .containsExactly(
                        tuple(first.toString(), 2, "difok", "5"),
                        tuple(second.toString(), 1, "minlen", "12"),
                        tuple(main.toString(), 1, "minclass", "4"));
        // Without a root the drop-ins of this machine are none of the file's business.
        assertThat(rows(new PwqualityConfParser(null).parse(main, "web1", OBSERVED).entries()))
                .containsExactly(tuple(1, "minclass", "4"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a number setting that is not a number | minlen = 14\\nminclass = four\\n | 2 | 'minclass' needs a whole number, not 'four'
            a number setting without a value      | # x\\nretry =\\n                | 2 | 'retry' has no value
            a number beyond INT_MAX               | difok = 2147483647\\n           | 1 | 'difok' needs a whole number, not '2147483647'
            a value without a name                | = 14\\n                         | 1 | '=' without a setting name
            """)
    void badInputIsRejectedWithFileAndLine(String title, String content, int line, String reason) throws Exception {
        Path file = write(content.replace("\\n", "\n"));

        assertThatThrownBy(() -> new PwqualityConfParser(null).parse(file, "web1", OBSERVED))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(file.toString());
                    assertThat(e.getLine()).isEqualTo(line);
                    assertThat(e.getReason()).isEqualTo(reason);
                });
    }

    @Test
    void aLineLibpwqualityCannotHoldIsRejected() throws Exception {
        Path file = write("minlen = 14\nbadwords = " + "x".repeat(1012) + "\n");

        assertThatThrownBy(() -> new PwqualityConfParser(null).parse(file, "web1", OBSERVED))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":2: line longer than 1022 bytes: libpwquality refuses the whole file");
        // One byte shorter fits.
        assertThat(parse("badwords = " + "x".repeat(1011) + "\n")).hasSize(1);
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return new PwqualityConfParser(null).parse(write(content), "web1", OBSERVED).entries();
    }

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("pwquality.conf"), content, StandardCharsets.UTF_8);
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue())).toList();
    }
}
