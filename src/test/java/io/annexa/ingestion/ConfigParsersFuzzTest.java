package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import io.annexa.fuzz.FuzzInputs;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration parser, fed mutated real files and random bytes: it returns a snapshot or refuses the
 * file with {@link InvalidInputException} naming the file and a line inside it. Nothing else may escape
 * (no NullPointerException, IndexOutOfBounds, NumberFormatException, StackOverflowError...), and every parse
 * ends within seconds. Each parser is run twice: on a file dropped for another host (includes recorded, not
 * read) and on this machine's own file (includes followed under a root holding a few real include targets).
 */
class ConfigParsersFuzzTest {

    private static final Instant OBSERVED = Instant.parse("2026-11-28T10:00:00Z");
    /** The sample files besides the rules' scenarios, by source. */
    private static final Map<String, String[]> CORPUS = Map.of(
            "audit.rules", new String[]{"audit.rules"},
            "auditd.conf", new String[]{"auditd.conf"},
            "chrony.conf", new String[]{"chrony.conf"},
            "login.defs", new String[]{"login.defs"},
            "logrotate.conf", new String[]{"logrotate.conf", "logrotate.d-rsyslog"},
            "pam.d", new String[]{"pam.d-login", "pam.d-sshd"},
            "pwquality.conf", new String[]{"pwquality.conf"},
            "rsyslog.conf", new String[]{"rsyslog.conf"},
            "sshd_config", new String[]{"sshd_config"},
            "sudoers", new String[]{"sudoers"});
    private static final Path WORK = workFolder();

    @Property
    void auditRules(@ForAll("audit.rules") byte[] content) throws IOException {
        parsesOrRefuses("audit.rules", content);
    }

    @Property
    void auditdConf(@ForAll("auditd.conf") byte[] content) throws IOException {
        parsesOrRefuses("auditd.conf", content);
    }

    @Property
    void chronyConf(@ForAll("chrony.conf") byte[] content) throws IOException {
        parsesOrRefuses("chrony.conf", content);
    }

    @Property
    void loginDefs(@ForAll("login.defs") byte[] content) throws IOException {
        parsesOrRefuses("login.defs", content);
    }

    @Property
    void logrotateConf(@ForAll("logrotate.conf") byte[] content) throws IOException {
        parsesOrRefuses("logrotate.conf", content);
    }

    @Property
    void pamD(@ForAll("pam.d") byte[] content) throws IOException {
        parsesOrRefuses("pam.d", content);
    }

    @Property
    void pwqualityConf(@ForAll("pwquality.conf") byte[] content) throws IOException {
        parsesOrRefuses("pwquality.conf", content);
    }

    @Property
    void rsyslogConf(@ForAll("rsyslog.conf") byte[] content) throws IOException {
        parsesOrRefuses("rsyslog.conf", content);
    }

    @Property
    void sshdConfig(@ForAll("sshd_config") byte[] content) throws IOException {
        parsesOrRefuses("sshd_config", content);
    }

    @Property
    void sudoers(@ForAll("sudoers") byte[] content) throws IOException {
        parsesOrRefuses("sudoers", content);
    }

    /**
     * Include lines with random glob patterns ('[', ']', '!', '-', '\\', '*', '?') in the directories a real root
     * holds, for every parser that follows includes by pattern.
     */
    @Property
    void includeGlobs(@ForAll("includes") String content) throws IOException {
        String source = content.substring(0, content.indexOf('\n'));
        parsesOrRefuses(source, content.substring(source.length() + 1).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> includes() {
        Arbitrary<String> glob = Arbitraries.strings().withChars("[]!^-\\*?az.").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> dir = Arbitraries.of("/etc/", "/etc/ssh/", "/etc/chrony/", "/etc/rsyslog.d/", "/etc/sudoers.d/",
                "/etc/logrotate.d/", "/etc/security/pwquality.conf.d/", "", "/");
        Arbitrary<String> directive = Arbitraries.of(
                "sshd_config\nInclude %s", "chrony.conf\ninclude %s", "chrony.conf\nconfdir %s", "chrony.conf\nsourcedir %s",
                "rsyslog.conf\n$IncludeConfig %s", "rsyslog.conf\ninclude(file=\"%s\")", "sudoers\n@include %s",
                "sudoers\n@includedir %s", "logrotate.conf\ninclude %s", "pwquality.conf\n# include %s");
        return net.jqwik.api.Combinators.combine(directive, dir, glob).as((d, in, g) -> d.formatted(in + g));
    }

    @Provide("audit.rules")
    Arbitrary<byte[]> auditRulesFiles() {
        return files("audit.rules");
    }

    @Provide("auditd.conf")
    Arbitrary<byte[]> auditdConfFiles() {
        return files("auditd.conf");
    }

    @Provide("chrony.conf")
    Arbitrary<byte[]> chronyConfFiles() {
        return files("chrony.conf");
    }

    @Provide("login.defs")
    Arbitrary<byte[]> loginDefsFiles() {
        return files("login.defs");
    }

    @Provide("logrotate.conf")
    Arbitrary<byte[]> logrotateConfFiles() {
        return files("logrotate.conf");
    }

    @Provide("pam.d")
    Arbitrary<byte[]> pamDFiles() {
        return files("pam.d");
    }

    @Provide("pwquality.conf")
    Arbitrary<byte[]> pwqualityConfFiles() {
        return files("pwquality.conf");
    }

    @Provide("rsyslog.conf")
    Arbitrary<byte[]> rsyslogConfFiles() {
        return files("rsyslog.conf");
    }

    @Provide("sshd_config")
    Arbitrary<byte[]> sshdConfigFiles() {
        return files("sshd_config");
    }

    @Provide("sudoers")
    Arbitrary<byte[]> sudoersFiles() {
        return files("sudoers");
    }

    private static Arbitrary<byte[]> files(String source) {
        List<String> samples = new ArrayList<>(FuzzInputs.scenarios(source));
        for (String name : CORPUS.get(source)) {
            samples.addAll(FuzzInputs.samples("src/test/resources/corpus/debian-bookworm", name));
        }
        return FuzzInputs.bytes(samples);
    }

    private static void parsesOrRefuses(String source, byte[] content) throws IOException {
        Path dropped = WORK.resolve("inbox").resolve(source);
        Files.write(dropped, content);
        outcome(source, null, dropped, content);

        Path root = WORK.resolve("root");
        Path own = root.resolve("etc/fuzzed").resolve(source);
        Files.write(own, content);
        outcome(source, root, own, content);
    }

    private static void outcome(String source, Path root, Path file, byte[] content) {
        ConfigParser parser = ConfigParsers.forSource(source, root).orElseThrow();
        InvalidInputException refused = FuzzInputs.bounded(content, () -> {
            try {
                ConfigSnapshot snapshot = parser.parse(file, "web1", OBSERVED);
                assertThat(snapshot.file()).isNotNull();
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused == null) {
            return;
        }
        assertThat(refused.getReason()).isNotBlank();
        if (refused.getFile().equals(file.toString())) {
            assertThat(refused.getLine()).as(FuzzInputs.describe(refused.getMessage(), content)).isBetween(0, FuzzInputs.lineCount(content));
        } else {
            assertThat(root).as("only an include can be refused elsewhere: " + refused.getMessage()).isNotNull();
            assertThat(Path.of(refused.getFile()).toAbsolutePath().normalize()).as(FuzzInputs.describe(refused.getMessage(), content))
                    .startsWith(root.toAbsolutePath().normalize());
        }
    }

    /** An inbox for dropped files and a root standing for '/', with the include targets real files name. */
    private static Path workFolder() {
        try {
            Path work = Files.createTempDirectory("config-fuzz");
            Files.createDirectories(work.resolve("inbox"));
            Files.createDirectories(work.resolve("root/etc/fuzzed"));
            Path etc = work.resolve("root/etc");
            for (String dir : List.of("ssh/sshd_config.d", "sudoers.d", "chrony/conf.d", "chrony/sources.d",
                    "logrotate.d", "rsyslog.d", "security/pwquality.conf.d", "pam.d")) {
                Files.createDirectories(etc.resolve(dir));
            }
            Files.writeString(etc.resolve("ssh/sshd_config.d/10-local.conf"), "PasswordAuthentication no\n");
            Files.writeString(etc.resolve("sudoers.d/ops"), "%ops ALL=(ALL) ALL\n");
            Files.writeString(etc.resolve("chrony/conf.d/pool.conf"), "pool 2.debian.pool.ntp.org iburst\n");
            Files.writeString(etc.resolve("chrony/sources.d/a.sources"), "server 192.0.2.1 iburst\n");
            Files.writeString(etc.resolve("logrotate.d/rsyslog"), "/var/log/syslog {\n  rotate 7\n  daily\n}\n");
            Files.writeString(etc.resolve("rsyslog.d/50-default.conf"), "auth,authpriv.* /var/log/auth.log\n");
            Files.writeString(etc.resolve("security/pwquality.conf.d/min.conf"), "minlen = 14\n");
            Files.writeString(etc.resolve("pam.d/common-auth"), "auth required pam_unix.so\n");
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
