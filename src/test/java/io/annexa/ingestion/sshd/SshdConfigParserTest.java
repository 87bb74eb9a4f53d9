package io.annexa.ingestion.sshd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.ByteArrayOutputStream;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshdConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path root;

    // ---------------------------------------------------------------- real Debian default

    @Nested
    class DebianBookwormDefault {

        @Test
        void yieldsExactlyTheUncommentedSettingsWithIncludesOff() throws Exception {
            Path file = corpus();

            ConfigSnapshot snapshot = SshdConfigParser.withoutIncludes().parse(file, "Web1.example.org.", OBSERVED);

            assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1.example.org", "sshd_config", file.toString(), OBSERVED));
            assertThat(snapshot.entries()).extracting(ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue,
                    ConfigEntry::getScope).containsExactly(
                    tuple(12, "Include", "/etc/ssh/sshd_config.d/*.conf", ""),
                    tuple(62, "KbdInteractiveAuthentication", "no", ""),
                    tuple(85, "UsePAM", "yes", ""),
                    tuple(90, "X11Forwarding", "yes", ""),
                    tuple(94, "PrintMotd", "no", ""),
                    tuple(112, "AcceptEnv", "LANG LC_*", ""),
                    tuple(115, "Subsystem", "sftp /usr/lib/openssh/sftp-server", ""));
            assertThat(snapshot.entries()).allSatisfy(e -> {
                assertThat(e.getAsset()).isEqualTo("web1.example.org");
                assertThat(e.getSource()).isEqualTo(SshdConfigParser.SOURCE);
                assertThat(e.getFile()).isEqualTo(file.toString());
                assertThat(e.getObservedAt()).isEqualTo(OBSERVED);
            });
            assertThat(snapshot.entries()).extracting(ConfigEntry::getKey).doesNotContain("PermitRootLogin");
            // not followed, so said: what the drop-ins set is unknown
            assertThat(snapshot.unresolved()).singleElement().satisfies(u -> {
                assertThat(u.describe()).startsWith(file + ":12 includes '/etc/ssh/sshd_config.d/*.conf', not read: ");
                assertThat(u.getSource()).isEqualTo(SshdConfigParser.SOURCE);
            });
            assertThat(snapshot.facts()).hasSize(9).first().isEqualTo(snapshot.file());
        }

        @Test
        void dropInPlacedWhereDebianIncludesItWinsOverTheMainFile() throws Exception {
            Path main = root.resolve("etc/ssh/sshd_config");
            Files.createDirectories(main.getParent());
            Files.copy(corpus(), main);
            Path dropIn = write("etc/ssh/sshd_config.d/50-hardening.conf",
                    "KbdInteractiveAuthentication yes\nPasswordAuthentication no\nX11Forwarding no\n");

            List<ConfigEntry> entries = new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries();

            assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey,
                    ConfigEntry::getValue).containsExactly(
                    tuple(main.toString(), 12, "Include", "/etc/ssh/sshd_config.d/*.conf"),
                    tuple(dropIn.toString(), 1, "KbdInteractiveAuthentication", "yes"),
                    tuple(dropIn.toString(), 2, "PasswordAuthentication", "no"),
                    tuple(dropIn.toString(), 3, "X11Forwarding", "no"),
                    tuple(main.toString(), 85, "UsePAM", "yes"),
                    tuple(main.toString(), 94, "PrintMotd", "no"),
                    tuple(main.toString(), 112, "AcceptEnv", "LANG LC_*"),
                    tuple(main.toString(), 115, "Subsystem", "sftp /usr/lib/openssh/sftp-server"));
        }

        private Path corpus() throws URISyntaxException {
            return Path.of(Objects.requireNonNull(
                    getClass().getResource("/corpus/debian-bookworm/sshd_config"), "corpus file").toURI());
        }
    }

    // ---------------------------------------------------------------- syntax

    @Test
    void sourceIsSshdConfig() {
        assertThat(SshdConfigParser.withoutIncludes().source()).isEqualTo("sshd_config").isEqualTo(SshdConfigParser.SOURCE);
    }

    @Test
    void keywordsAreCaseInsensitiveAndMayBeFollowedByOneEqualsSign() throws Exception {
        List<ConfigEntry> entries = parse("""
                permitrootlogin no
                PASSWORDAUTHENTICATION=no
                MaxAuthTries = 3
                x11forwarding\t=\tno
                  ciphers   aes256-gcm@openssh.com,chacha20-poly1305@openssh.com  \t
                usedns=  no
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "PermitRootLogin", "no", ""),
                tuple(2, "PasswordAuthentication", "no", ""),
                tuple(3, "MaxAuthTries", "3", ""),
                tuple(4, "X11Forwarding", "no", ""),
                tuple(5, "Ciphers", "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com", ""),
                tuple(6, "UseDNS", "no", ""));
    }

    @Test
    void deprecatedAliasesAreReportedUnderTheCurrentName() throws Exception {
        List<ConfigEntry> entries = parse("""
                ChallengeResponseAuthentication yes
                KbdInteractiveAuthentication no
                PubkeyAcceptedKeyTypes +ssh-rsa
                HostbasedAcceptedKeyTypes ssh-ed25519
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "KbdInteractiveAuthentication", "yes", ""),
                tuple(3, "PubkeyAcceptedAlgorithms", "+ssh-rsa", ""),
                tuple(4, "HostbasedAcceptedAlgorithms", "ssh-ed25519", ""));
    }

    @Test
    void argumentsAreJoinedBySingleSpacesWithQuotesRemovedAndTrailingCommentsDropped() throws Exception {
        List<ConfigEntry> entries = parse("""
                AuthorizedKeysFile ".ssh/my keys"   .ssh/authorized_keys
                PermitRootLogin no # root logs in through the console only
                Banner "/etc/issue.net"#not a comment
                ForceCommand echo 'it''s' "say \\"hi\\""
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "AuthorizedKeysFile", ".ssh/my keys .ssh/authorized_keys", ""),
                tuple(2, "PermitRootLogin", "no", ""),
                tuple(3, "Banner", "/etc/issue.net#not a comment", ""),
                tuple(4, "ForceCommand", "echo its say \"hi\"", ""));
    }

    @Test
    void commentsBlankLinesCrlfAndByteOrderMarkAreIgnored() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write("PermitRootLogin no\r\n# comment\r\n\r\n   \t\r\n   # indented comment\r\nPort 2222 \t\r\nBanner none"
                .getBytes(StandardCharsets.UTF_8));
        Path file = root.resolve("sshd_config");
        Files.write(file, bytes.toByteArray());

        assertThat(rows(SshdConfigParser.withoutIncludes().parse(file, "web1", OBSERVED).entries())).containsExactly(
                tuple(1, "PermitRootLogin", "no", ""),
                tuple(6, "Port", "2222", ""),
                tuple(7, "Banner", "none", ""));
    }

    @Test
    void anEmptyFileHasNoEntries() throws Exception {
        assertThat(parse("")).isEmpty();
        assertThat(parse("# only a comment\n\n")).isEmpty();
    }

    @Test
    void unknownKeywordsAreKeptAsWritten() throws Exception {
        assertThat(rows(parse("PerSourceFutureThing 5\nProtocol 2\n"))).containsExactly(
                tuple(1, "PerSourceFutureThing", "5", ""),
                tuple(2, "Protocol", "2", ""));
    }

    // ---------------------------------------------------------------- first value wins

    @Test
    void onlyTheFirstValueOfASingleValuedKeywordTakesEffect() throws Exception {
        List<ConfigEntry> entries = parse("""
                PermitRootLogin no
                PasswordAuthentication no
                PermitRootLogin yes
                PERMITROOTLOGIN yes
                PasswordAuthentication yes
                NewFutureOption first
                newfutureoption second
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "PermitRootLogin", "no", ""),
                tuple(2, "PasswordAuthentication", "no", ""),
                tuple(6, "NewFutureOption", "first", ""));
    }

    @Test
    void multiValuedKeywordsAccumulate() throws Exception {
        List<ConfigEntry> entries = parse("""
                Port 22
                Port 2222
                ListenAddress 0.0.0.0
                listenaddress ::
                AcceptEnv LANG
                AcceptEnv LC_*
                AllowUsers alice bob
                AllowUsers carol
                DenyUsers mallory
                DenyUsers eve
                AllowGroups ssh-users
                AllowGroups admins
                DenyGroups guests
                DenyGroups nobody
                HostKey /etc/ssh/ssh_host_ed25519_key
                HostKey /etc/ssh/ssh_host_rsa_key
                HostCertificate /etc/ssh/a-cert.pub
                HostCertificate /etc/ssh/b-cert.pub
                """);

        assertThat(entries).hasSize(18);
        assertThat(entries).extracting(ConfigEntry::getLine).containsExactly(
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);
        assertThat(entries).filteredOn(e -> e.getKey().equals("AllowUsers")).extracting(ConfigEntry::getValue)
                .containsExactly("alice bob", "carol");
    }

    @Test
    void listKeywordsThatSshdFreezesAfterTheirFirstLineKeepOnlyThatLine() throws Exception {
        List<ConfigEntry> entries = parse("""
                SetEnv TZ=UTC
                SetEnv LANG=C
                PermitOpen localhost:80
                PermitOpen any
                PermitListen 8080
                PermitListen any
                ChannelTimeout session=5m
                ChannelTimeout global=1h
                Subsystem sftp /usr/lib/openssh/sftp-server
                Subsystem backup /usr/local/bin/backup-server
                Subsystem sftp internal-sftp
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "SetEnv", "TZ=UTC", ""),
                tuple(3, "PermitOpen", "localhost:80", ""),
                tuple(5, "PermitListen", "8080", ""),
                tuple(7, "ChannelTimeout", "session=5m", ""),
                tuple(9, "Subsystem", "sftp /usr/lib/openssh/sftp-server", ""),
                tuple(10, "Subsystem", "backup /usr/local/bin/backup-server", ""));
    }

    // ---------------------------------------------------------------- Match

    @Test
    void matchBlocksScopeTheirEntriesAndFirstValueWinsPerScope() throws Exception {
        List<ConfigEntry> entries = parse("""
                PasswordAuthentication no
                X11Forwarding no
                Match User backup
                    PasswordAuthentication yes
                    PasswordAuthentication no
                    AllowTcpForwarding no
                match   address   10.0.0.0/8,192.168.0.0/16   USER=admin
                    PermitRootLogin yes
                    PasswordAuthentication yes
                Match User backup
                    AllowTcpForwarding yes
                    ForceCommand internal-sftp
                Match all
                PasswordAuthentication yes
                PermitRootLogin no
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "PasswordAuthentication", "no", ""),
                tuple(2, "X11Forwarding", "no", ""),
                tuple(4, "PasswordAuthentication", "yes", "Match User backup"),
                tuple(6, "AllowTcpForwarding", "no", "Match User backup"),
                tuple(8, "PermitRootLogin", "yes", "Match Address 10.0.0.0/8,192.168.0.0/16 User admin"),
                tuple(9, "PasswordAuthentication", "yes", "Match Address 10.0.0.0/8,192.168.0.0/16 User admin"),
                tuple(12, "ForceCommand", "internal-sftp", "Match User backup"),
                tuple(15, "PermitRootLogin", "no", ""));
        assertThat(entries.get(2).isGlobal()).isFalse();
        assertThat(entries.get(7).isGlobal()).isTrue();
    }

    @Test
    void invalidUserIsACriterionWithoutValue() throws Exception {
        assertThat(rows(parse("Match invalid-user\nMaxAuthTries 1\n"))).containsExactly(
                tuple(2, "MaxAuthTries", "1", "Match Invalid-User"));
    }

    @Test
    void matchCriteriaMayCarryAComment() throws Exception {
        assertThat(rows(parse("Match Group sftp-only # jailed\nChrootDirectory /srv/%u\n"))).containsExactly(
                tuple(2, "ChrootDirectory", "/srv/%u", "Match Group sftp-only"));
    }

    // ---------------------------------------------------------------- Include

    @Test
    void aDropInIncludedFirstOverridesALaterValueInTheMainFile() throws Exception {
        Path main = write("etc/ssh/sshd_config", """
                Include /etc/ssh/sshd_config.d/*.conf
                PasswordAuthentication yes
                PermitRootLogin prohibit-password
                """);
        Path dropIn = write("etc/ssh/sshd_config.d/10-no-passwords.conf", "# managed by ansible\nPasswordAuthentication no\n");

        List<ConfigEntry> entries = new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey,
                ConfigEntry::getValue).containsExactly(
                tuple(main.toString(), 1, "Include", "/etc/ssh/sshd_config.d/*.conf"),
                tuple(dropIn.toString(), 2, "PasswordAuthentication", "no"),
                tuple(main.toString(), 3, "PermitRootLogin", "prohibit-password"));
    }

    @Test
    void globsExpandInLexicalOrderAndSkipHiddenAndNonMatchingFiles() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf /etc/ssh/extra/[ab]?.conf\n");
        Path twenty = write("etc/ssh/sshd_config.d/20-b.conf", "MaxAuthTries 20\nLogLevel INFO\n");
        Path ten = write("etc/ssh/sshd_config.d/10-a.conf", "MaxAuthTries 10\n");
        Path hundred = write("etc/ssh/sshd_config.d/100-c.conf", "MaxAuthTries 100\nClientAliveInterval 300\n");
        write("etc/ssh/sshd_config.d/.hidden.conf", "PermitRootLogin yes\n");
        write("etc/ssh/sshd_config.d/README", "PermitRootLogin yes\n");
        Path b1 = write("etc/ssh/extra/b1.conf", "Banner /etc/b1\n");
        Path a9 = write("etc/ssh/extra/a9.conf", "UseDNS no\n");
        write("etc/ssh/extra/c1.conf", "PermitRootLogin yes\n");
        write("etc/ssh/extra/a10.conf", "PermitRootLogin yes\n");

        List<ConfigEntry> entries = new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue).containsExactly(
                tuple(main.toString(), "Include", "/etc/ssh/sshd_config.d/*.conf /etc/ssh/extra/[ab]?.conf"),
                tuple(ten.toString(), "MaxAuthTries", "10"),
                tuple(hundred.toString(), "ClientAliveInterval", "300"),
                tuple(twenty.toString(), "LogLevel", "INFO"),
                tuple(a9.toString(), "UseDNS", "no"),
                tuple(b1.toString(), "Banner", "/etc/b1"));
    }

    @Test
    void globCharacterClassesNegateAndBackslashEscapes() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/x/[!a].conf /etc/ssh/y/c\\*.conf\n");
        write("etc/ssh/x/a.conf", "PermitRootLogin yes\n");
        Path b = write("etc/ssh/x/b.conf", "PermitRootLogin no\n");
        Path star = write("etc/ssh/y/c*.conf", "Banner /etc/star\n");
        write("etc/ssh/y/cX.conf", "Banner /etc/x\n");

        assertThat(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())
                .extracting(ConfigEntry::getFile, ConfigEntry::getValue).containsExactly(
                        tuple(main.toString(), "/etc/ssh/x/[!a].conf /etc/ssh/y/c\\*.conf"),
                        tuple(b.toString(), "no"),
                        tuple(star.toString(), "/etc/star"));
    }

    @Test
    void includesThatMatchNothingAreIgnoredLikeSshdDoes() throws Exception {
        Path main = write("etc/ssh/sshd_config", """
                Include /etc/ssh/sshd_config.d/*.conf
                Include /etc/ssh/does-not-exist.conf
                PermitRootLogin no
                """);

        assertThat(rows(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())).containsExactly(
                tuple(1, "Include", "/etc/ssh/sshd_config.d/*.conf", ""),
                tuple(2, "Include", "/etc/ssh/does-not-exist.conf", ""),
                tuple(3, "PermitRootLogin", "no", ""));
    }

    @Test
    void relativeIncludePathsAreRelativeToEtcSsh() throws Exception {
        Path main = write("srv/uploaded/sshd_config", "Include local.conf\n");
        Path local = write("etc/ssh/local.conf", "PermitRootLogin no\n");

        assertThat(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())
                .extracting(ConfigEntry::getFile, ConfigEntry::getKey).containsExactly(
                        tuple(main.toString(), "Include"),
                        tuple(local.toString(), "PermitRootLogin"));
    }

    @Test
    void aMatchBlockInAnIncludedFileEndsWithThatFile() throws Exception {
        Path main = write("etc/ssh/sshd_config", """
                Include /etc/ssh/sshd_config.d/*.conf
                X11Forwarding yes
                Match Group admins
                Include /etc/ssh/admins.conf
                AllowTcpForwarding yes
                """);
        write("etc/ssh/sshd_config.d/10-sftp.conf", "Match User sftp\nX11Forwarding no\n");
        write("etc/ssh/admins.conf", "PermitTTY yes\nMatch all\nMaxSessions 2\n");

        List<ConfigEntry> entries = new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getScope).containsExactly(
                tuple("Include", "/etc/ssh/sshd_config.d/*.conf", ""),
                tuple("X11Forwarding", "no", "Match User sftp"),
                tuple("X11Forwarding", "yes", ""),
                tuple("Include", "/etc/ssh/admins.conf", "Match Group admins"),
                tuple("PermitTTY", "yes", "Match Group admins"),
                tuple("MaxSessions", "2", ""),
                tuple("AllowTcpForwarding", "yes", "Match Group admins"));
    }

    @Test
    void sixteenLevelsOfIncludesAreAllowedAndSeventeenAreNot() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/1.conf\n");
        for (int level = 1; level < 16; level++) {
            write("etc/ssh/" + level + ".conf", "Include " + (level + 1) + ".conf\n");
        }
        write("etc/ssh/16.conf", "PermitRootLogin no\n");

        List<ConfigEntry> entries = new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries();
        assertThat(entries).last().extracting(ConfigEntry::getKey, ConfigEntry::getFile)
                .containsExactly("PermitRootLogin", root.resolve("etc/ssh/16.conf").toString());

        write("etc/ssh/16.conf", "\nInclude 17.conf\n");
        write("etc/ssh/17.conf", "PermitRootLogin no\n");
        assertInvalid(() -> new SshdConfigParser(root).parse(main, "web1", OBSERVED),
                root.resolve("etc/ssh/16.conf"), 2, "16");
    }

    @Test
    void anIncludeLoopFailsAtTheDepthLimit() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/loop.conf\n");
        Path loop = write("etc/ssh/loop.conf", "# includes itself\nInclude loop.conf\n");

        assertThatThrownBy(() -> new SshdConfigParser(root).parse(main, "web1", OBSERVED))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(loop.toString());
                    assertThat(e.getLine()).isEqualTo(2);
                    assertThat(e.getReason()).contains("Include", "16", "loop");
                });
    }

    @Test
    void withoutIncludesTheIncludeLineIsRecordedButNothingIsRead() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n");
        write("etc/ssh/sshd_config.d/10.conf", "PasswordAuthentication no\n");

        assertThat(rows(SshdConfigParser.withoutIncludes().parse(main, "web1", OBSERVED).entries())).containsExactly(
                tuple(1, "Include", "/etc/ssh/sshd_config.d/*.conf", ""),
                tuple(2, "PasswordAuthentication", "yes", ""));
        assertThat(rows(new SshdConfigParser(null).parse(main, "web1", OBSERVED).entries())).hasSize(2);
    }

    /** sshd opens an included directory, reads no line from it and goes on (servconf.c load_server_config). */
    @Test
    void anIncludedDirectoryYieldsNothingAsInSshd() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d\nPasswordAuthentication no\n");
        Files.createDirectories(root.resolve("etc/ssh/sshd_config.d"));

        assertThat(rows(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())).containsExactly(
                tuple(1, "Include", "/etc/ssh/sshd_config.d", ""),
                tuple(2, "PasswordAuthentication", "no", ""));
    }

    /** Found by fuzzing: a pattern matching directories ended in an IOException "Is a directory" naming no file. */
    @Test
    void anIncludePatternMatchingDirectoriesReadsOnlyTheFiles() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/*\nInclude /.\n");
        write("etc/ssh/sshd_config.d/10.conf", "PasswordAuthentication no\n");
        write("etc/banner.conf", "X11Forwarding no\n");

        assertThat(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())
                .extracting(ConfigEntry::getKey).containsExactly("Include", "X11Forwarding", "Include");
    }

    /** Found by fuzzing: a reversed range in a glob class threw PatternSyntaxException; glob(3) matches nothing. */
    @Test
    void aReversedRangeInAnIncludePatternMatchesNothing() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/[[-!]\nInclude /etc/ssh/[z-a].conf\nInclude /etc/ssh/[!z-a].conf\n");
        write("etc/ssh/a.conf", "PasswordAuthentication no\n");

        assertThat(rows(new SshdConfigParser(root).parse(main, "web1", OBSERVED).entries())).containsExactly(
                tuple(1, "Include", "/etc/[[-!]", ""),
                tuple(2, "Include", "/etc/ssh/[z-a].conf", ""),
                tuple(3, "Include", "/etc/ssh/[!z-a].conf", ""),
                tuple(1, "PasswordAuthentication", "no", ""));
    }

    @Test
    void aMissingMainFileIsAnIoError() {
        assertThatThrownBy(() -> SshdConfigParser.withoutIncludes().parse(root.resolve("absent"), "web1", OBSERVED))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anIncludeCannotLeaveTheIncludeRoot() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include ../../../../../etc/passwd\n");

        assertInvalid(() -> new SshdConfigParser(root).parse(main, "web1", OBSERVED), main, 1, "outside");
    }

    @Test
    void errorsInAnIncludedFileNameThatFileAndLine() throws Exception {
        Path main = write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n");
        Path dropIn = write("etc/ssh/sshd_config.d/broken.conf", "PermitRootLogin no\n\nMaxAuthTries\n");

        assertInvalid(() -> new SshdConfigParser(root).parse(main, "web1", OBSERVED), dropIn, 3, "'MaxAuthTries' has no value");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void aKeywordWithoutValueIsRejected() throws Exception {
        assertInvalid("Port 22\npermitrootlogin   \n", 2, "'PermitRootLogin' has no value");
        assertInvalid("PermitRootLogin=\n", 1, "'PermitRootLogin' has no value");
        assertInvalid("PermitRootLogin # yes\n", 1, "'PermitRootLogin' has no value");
        assertInvalid("Banner \"\"\n", 1, "'Banner' has no value");
        assertInvalid("Include\n", 1, "'Include' has no value");
        assertInvalid("= no\n", 1, "without a keyword");
    }

    @Test
    void anUnterminatedQuoteIsRejected() throws Exception {
        assertInvalid("# keys\nAuthorizedKeysFile \".ssh/my keys\n", 2, "unterminated double quote in 'AuthorizedKeysFile'");
        assertInvalid("Banner '/etc/issue\n", 1, "unterminated single quote in 'Banner'");
    }

    @Test
    void binaryContentIsRejectedAtTheLineOfTheFirstNulByte() throws Exception {
        Path file = root.resolve("sshd_config");
        Files.write(file, "Port 22\nPermitRootLogin no\nBan\0ner x\n\0".getBytes(StandardCharsets.UTF_8));

        assertInvalid(() -> SshdConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, 3, "NUL");
    }

    @Test
    void invalidUtf8IsRejectedAtItsLine() throws Exception {
        Path file = root.resolve("sshd_config");
        Files.write(file, new byte[] {'P', 'o', 'r', 't', ' ', '2', '2', '\n', 'B', 'a', 'n', 'n', 'e', 'r', ' ', (byte) 0xC3, '(', '\n'});

        assertInvalid(() -> SshdConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, 2, "UTF-8");
    }

    @Test
    void aLineLongerThan64KibIsRejected() throws Exception {
        assertInvalid("Port 22\nAllowUsers " + "a".repeat(64 * 1024) + "\n", 2, "longer than 65536 bytes");
        assertThat(parse("AllowUsers " + "a".repeat(64 * 1024 - 11) + "\n")).hasSize(1);
    }

    @Test
    void badMatchLinesAreRejected() throws Exception {
        assertInvalid("Port 22\nMatch\n", 2, "'Match' has no criteria");
        assertInvalid("Match # nobody\n", 1, "'Match' has no criteria");
        assertInvalid("Match Usr backup\n", 1, "unknown Match criterion 'Usr'");
        assertInvalid("Match User backup Address\n", 1, "Match criterion 'Address' has no value");
        assertInvalid("Match All User backup\n", 1, "'Match All' cannot be combined");
    }

    // ---------------------------------------------------------------- helpers

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return SshdConfigParser.withoutIncludes().parse(write("sshd_config", content), "web1", OBSERVED).entries();
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue(), e.getScope())).toList();
    }

    private void assertInvalid(String content, int line, String reason) throws IOException {
        Path file = write("sshd_config", content);
        assertInvalid(() -> SshdConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, line, reason);
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
