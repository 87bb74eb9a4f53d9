package io.annexa.ingestion.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.evidence.CollectionFailed;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.SavedNames;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import io.annexa.ingestion.sshd.SshdConfigParser;
import io.annexa.ingestion.rsyslog.RsyslogConfigParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection over SSH against a real SSH server (Apache MINA SSHD) serving a stock Debian 12 host and an Ubuntu
 * cloud-image host from folders: what lands in the inbox, what is refused, and what a failure leaves behind.
 */
class SshCollectionTest {

    static final Path LAYOUTS = ProjectFiles.root().resolve("src/test/resources/ssh");

    @TempDir
    Path temp;

    final KeyPair hostKey = TestKeys.ed25519();
    final KeyPair userKey = TestKeys.ed25519();
    final CollectingSink sink = new CollectingSink();
    final List<AutoCloseable> closing = new ArrayList<>();
    Path inbox;
    Path knownHosts;
    Path keyFile;
    SshCollection collection;

    @BeforeEach
    void collection() throws Exception {
        inbox = temp.resolve("data/inbox/hosts");
        knownHosts = temp.resolve("known_hosts");
        keyFile = TestKeys.write(userKey, temp.resolve("id_ed25519"), null);
        collection = collection(8, Map.of());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    SshCollection collection(int pool, Map<String, String> environment) {
        SshCollection made = new SshCollection(sink, inbox, temp.resolve("data/staging/hosts"), pool, Duration.ofMinutes(5),
                SnapshotLimits.DEFAULT, environment::get, Clock.systemUTC());
        closing.add(made);
        return made;
    }

    EmbeddedSshHost serve(String layout) throws IOException {
        Path root = temp.resolve("hosts").resolve(layout + "-" + closing.size());
        copy(LAYOUTS.resolve(layout), root);
        return serve(root, LAYOUTS.resolve(layout));
    }

    EmbeddedSshHost serve(Path root, Path outputs) throws IOException {
        EmbeddedSshHost server = new EmbeddedSshHost(root, Map.of(
                "/usr/sbin/sshd -T", outputs.resolve("sshd-T"),
                "/sbin/auditctl -l", outputs.resolve("auditctl-l")), hostKey, userKey.getPublic());
        closing.add(server);
        return server;
    }

    void pin(String... lines) throws IOException {
        Files.write(knownHosts, List.of(lines));
    }

    Host host(String asset, int port) {
        return new Host(asset, "127.0.0.1", port, "annexa", new KeyFile(keyFile, null), knownHosts, Optional.empty(),
                EnumSet.allOf(Collector.class), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(2));
    }

    @Test
    void aDebianHostsSnapshotHoldsEveryEvidenceFileAndWhatItsIncludesLeadTo() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("127.0.0.1"));

        collection.collect(host("deb-01", server.port()));

        Path snapshot = inbox.resolve("deb-01");
        assertThat(files(snapshot)).containsOnlyKeys(
                "etc/audit/auditd.conf", "etc/audit/rules.d/audit.rules",
                "etc/chrony/chrony.conf",
                "etc/login.defs",
                "etc/logrotate.conf", "etc/logrotate.d/btmp", "etc/logrotate.d/chrony", "etc/logrotate.d/rsyslog", "etc/logrotate.d/wtmp",
                "etc/pam.d/common-account", "etc/pam.d/common-auth", "etc/pam.d/common-password", "etc/pam.d/common-session",
                "etc/pam.d/common-session-noninteractive", "etc/pam.d/login", "etc/pam.d/other", "etc/pam.d/sshd", "etc/pam.d/sudo",
                "etc/pam.d/sudo-i",
                "etc/rsyslog.conf",
                "etc/security/faillock.conf", "etc/security/pwquality.conf",
                "etc/ssh/sshd_config",
                // @includedir /etc/sudoers.d: sudo reads names without a dot
                "etc/sudoers", "etc/sudoers.d/README",
                ".annexa/commands/sshd-T", ".annexa/commands/auditctl-l", ".annexa/collection.properties");
        // byte for byte what the host has
        for (Map.Entry<String, byte[]> file : files(snapshot).entrySet()) {
            if (file.getKey().startsWith("etc/")) {
                assertThat(file.getValue()).as(file.getKey()).isEqualTo(Files.readAllBytes(LAYOUTS.resolve("debian12").resolve(file.getKey())));
            }
        }
        assertThat(snapshot.resolve(".annexa/commands/sshd-T")).hasSameTextualContentAs(LAYOUTS.resolve("debian12/sshd-T"));
        // folders an include globbed are there, empty as on the host; the listing's placeholders are gone
        assertThat(snapshot.resolve("etc/ssh/sshd_config.d")).isEmptyDirectory();
        assertThat(snapshot.resolve("etc/rsyslog.d")).isEmptyDirectory();
        assertThat(HostCollector.collectedAt(snapshot)).isPresent();
        // what the host does not have: no compiled audit.rules yet, no Red Hat chrony.conf, and two places its files
        // include from that are missing (a pwquality drop-in folder, chrony's DHCP sources at run time)
        assertThat(description(snapshot)).containsEntry("absent",
                        "/etc/audit/audit.rules,/etc/chrony.conf,/etc/security/pwquality.conf.d,/run/chrony-dhcp")
                .containsEntry("command.sshd-T", "ok").containsEntry("command.auditctl-l", "ok");
        // only reading: no SFTP request that changes anything, and only the allowed command lines
        assertThat(server.changes).isEmpty();
        assertThat(server.commands).containsExactlyInAnyOrder("/usr/sbin/sshd -T", "/sbin/auditctl -l");
        // the first success since start tells the engine there is no gap (one recorded before a restart is resolved)
        assertThat(sink.latest(SshCollection.key("deb-01"))).contains(List.of());
    }

    @Test
    void anUbuntuCloudImagesSnapshotFollowsSshdConfigDAndRsyslogDAsTheHostDoes() throws Exception {
        EmbeddedSshHost server = serve("ubuntu-cloud");
        pin(server.knownHostsLine("127.0.0.1"));

        collection.collect(host("ubuntu-01", server.port()));

        Path snapshot = inbox.resolve("ubuntu-01");
        assertThat(files(snapshot).keySet()).contains(
                "etc/ssh/sshd_config", "etc/ssh/sshd_config.d/50-cloud-init.conf", "etc/ssh/sshd_config.d/60-cloudimg-settings.conf",
                "etc/rsyslog.conf", "etc/rsyslog.d/50-default.conf", "etc/rsyslog.d/20-ufw.conf",
                "etc/sudoers", "etc/sudoers.d/90-cloud-init-users", "etc/sudoers.d/README",
                ".annexa/commands/sshd-T")
                .doesNotContain("etc/chrony/chrony.conf", ".annexa/commands/auditctl-l");
        assertThat(description(snapshot)).containsEntry("command.auditctl-l", "exit 127: bash: /sbin/auditctl: command not found");
        // read under the snapshot as root, the includes resolve the way sshd and rsyslog resolve them on the host:
        // cloud-init's "yes" comes first and wins over the image's "no"
        ConfigSnapshot sshd = new SshdConfigParser(snapshot).parse(snapshot.resolve("etc/ssh/sshd_config"), "ubuntu-01", Instant.now());
        assertThat(sshd.entries()).filteredOn(e -> e.getKey().equalsIgnoreCase("passwordauthentication"))
                .extracting(ConfigEntry::getValue).first().isEqualTo("yes");
        ConfigSnapshot rsyslog = new RsyslogConfigParser(snapshot).parse(snapshot.resolve("etc/rsyslog.conf"), "ubuntu-01", Instant.now());
        assertThat(rsyslog.entries()).extracting(ConfigEntry::getFile).anyMatch(f -> f.endsWith("50-default.conf"));
    }

    @Test
    void aChangedHostKeyIsRefusedReportedAndNothingIsWritten() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        KeyPair other = TestKeys.ed25519();
        pin("[127.0.0.1]:" + server.port() + " " + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(other.getPublic()));

        collection.collect(host("deb-01", server.port()));

        CollectionFailed failed = failure("deb-01");
        assertThat(failed.getReason()).startsWith("host key changed: [127.0.0.1]:" + server.port() + " presented ssh-ed25519 SHA256:");
        assertThat(failed.getLastSuccess()).isNull();
        assertThat(inbox.resolve("deb-01")).doesNotExist();
        assertThat(server.logins).hasValue(0);
        // never learned: the file is as the operator wrote it
        assertThat(Files.readAllLines(knownHosts)).hasSize(1);
    }

    @Test
    void anUnknownHostKeyIsRefusedNotLearned() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("some-other-host"));

        collection.collect(host("deb-01", server.port()));

        assertThat(failure("deb-01").getReason()).startsWith("host key unknown: [127.0.0.1]:" + server.port());
        assertThat(inbox.resolve("deb-01")).doesNotExist();
        assertThat(Files.readAllLines(knownHosts)).containsExactly(server.knownHostsLine("some-other-host"));
    }

    @Test
    void aHostGoingDownKeepsItsSnapshotAndIsReportedUntilItIsBack() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("127.0.0.1"));
        Host host = host("deb-01", server.port());
        collection.collect(host);
        Path snapshot = inbox.resolve("deb-01");
        Map<String, byte[]> before = files(snapshot);
        FileTime stamp = Files.getLastModifiedTime(snapshot.resolve("etc/ssh/sshd_config"));
        Instant lastSuccess = HostCollector.collectedAt(snapshot).orElseThrow();

        server.stop();
        collection.collect(host);

        CollectionFailed failed = failure("deb-01");
        assertThat(failed.getReason()).startsWith("unreachable: deb-01 (127.0.0.1:" + server.port() + ")");
        assertThat(failed.getLastSuccess()).isEqualTo(lastSuccess);
        assertThat(failed.getExpectedInterval()).isEqualTo(Duration.ofHours(2));
        assertThat(files(snapshot)).usingRecursiveComparison().isEqualTo(before);
        assertThat(Files.getLastModifiedTime(snapshot.resolve("etc/ssh/sshd_config"))).isEqualTo(stamp);
        // the failure is the only thing handed over: the host's evidence is the snapshot's, untouched
        assertThat(sink.keys()).containsExactly(SshCollection.key("deb-01"));

        EmbeddedSshHost back = serve("debian12");
        pin(back.knownHostsLine("127.0.0.1"));
        collection.collect(host("deb-01", back.port()));
        assertThat(sink.latest(SshCollection.key("deb-01"))).contains(List.of());
    }

    /**
     * The remediation of host_evidence_collected_on_schedule for a retired host: take it out of config/hosts.yml. Its
     * failure is withdrawn, even when that happens while Annexa is down.
     */
    @Test
    void aFailingHostTakenOutOfTheInventoryWhileAnnexaWasDownIsWithdrawnAtTheFirstTickOnceTheInventoryIsKnown() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path saved = temp.resolve("data/state/failing-hosts.txt");
        Host retired = host("old-01", closed);
        Host kept = host("web-01", closed);
        SshCollection before = new SshCollection(sink, inbox, temp.resolve("data/staging/hosts"), 2, Duration.ofMinutes(5),
                SnapshotLimits.DEFAULT, name -> null, Clock.systemUTC(), SavedNames.in(saved, "hosts reported failing"));
        closing.add(before);
        before.useInventory(() -> new HostInventory(List.of(retired, kept)));
        before.tick();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.holds(SshCollection.key("old-01")) && sink.holds(SshCollection.key("web-01")));
        before.close();
        assertThat(Files.readAllLines(saved)).filteredOn(line -> !line.startsWith("#")).containsExactlyInAnyOrder("old-01", "web-01");

        CollectingSink after = new CollectingSink();
        SshCollection restarted = new SshCollection(after, inbox, temp.resolve("data/staging/hosts"), 2, Duration.ofMinutes(5),
                SnapshotLimits.DEFAULT, name -> null, Clock.systemUTC(), SavedNames.in(saved, "hosts reported failing"));
        closing.add(restarted);
        // no inventory yet (config/hosts.yml refused since start): nothing is known to be gone
        restarted.tick();
        assertThat(after.withdrawals()).isEmpty();

        restarted.useInventory(() -> new HostInventory(List.of(kept)));
        restarted.tick();
        restarted.tick();

        assertThat(after.withdrawals()).containsExactly(SshCollection.key("old-01"));
        await().atMost(Duration.ofSeconds(30)).until(() -> after.holds(SshCollection.key("web-01")));
        restarted.close();
        assertThat(Files.readAllLines(saved)).filteredOn(line -> !line.startsWith("#")).containsExactly("web-01");
    }

    @Test
    void aHostThatAcceptsButNeverAnswersCostsItsTimeoutAndNoMore() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(silent.accept());
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.start();
            pin("[127.0.0.1]:" + silent.getLocalPort() + " " + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(hostKey.getPublic()));
            Host host = new Host("slow-01", "127.0.0.1", silent.getLocalPort(), "annexa", new KeyFile(keyFile, null), knownHosts,
                    Optional.empty(), EnumSet.of(Collector.FILES), Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofHours(2));

            collection.collect(host);

            assertThat(failure("slow-01").getReason()).startsWith("timed out after 2 s while");
            assertThat(inbox.resolve("slow-01")).doesNotExist();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void secretsAreNeverFetchedWhateverAnIncludePointsAt() throws Exception {
        Path root = temp.resolve("hosts/careless");
        copy(LAYOUTS.resolve("debian12"), root);
        Files.writeString(root.resolve("etc/ssh/sshd_config"), "Include /etc/ssh/*\nPermitRootLogin no\n");
        Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n");
        Files.writeString(root.resolve("etc/ssh/moduli"), "# Time Type Tests Tries Size Generator Modulus\n");
        EmbeddedSshHost server = serve(root, LAYOUTS.resolve("debian12"));
        pin(server.knownHostsLine("127.0.0.1"));

        collection.collect(host("careless-01", server.port()));

        Path snapshot = inbox.resolve("careless-01");
        assertThat(snapshot.resolve("etc/ssh/moduli")).exists();
        assertThat(snapshot.resolve("etc/ssh/ssh_host_ed25519_key")).doesNotExist();
        assertThat(description(snapshot).get("refused")).isEqualTo("/etc/ssh/ssh_host_ed25519_key");
    }

    @Test
    void aLinkThatLeadsNowhereIsNotedAndTheRestIsCollected() throws Exception {
        Path root = temp.resolve("hosts/links");
        copy(LAYOUTS.resolve("debian12"), root);
        Files.createSymbolicLink(root.resolve("etc/pam.d/loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("etc/pam.d/dangling"), Path.of("/nowhere"));
        Files.createSymbolicLink(root.resolve("etc/pam.d/su"), Path.of("login"));
        EmbeddedSshHost server = serve(root, LAYOUTS.resolve("debian12"));
        pin(server.knownHostsLine("127.0.0.1"));

        collection.collect(host("links-01", server.port()));

        Path snapshot = inbox.resolve("links-01");
        // a link to a file is collected as the file the host's programs read
        assertThat(snapshot.resolve("etc/pam.d/su")).hasSameBinaryContentAs(root.resolve("etc/pam.d/login"));
        assertThat(Files.isSymbolicLink(snapshot.resolve("etc/pam.d/su"))).isFalse();
        assertThat(snapshot.resolve("etc/pam.d/loop")).doesNotExist();
        assertThat(snapshot.resolve("etc/pam.d/dangling")).doesNotExist();
        assertThat(snapshot.resolve("etc/ssh/sshd_config")).exists();
    }

    @Test
    void aFileLargerThanTheLimitRefusesTheSnapshotAndKeepsThePreviousOne() throws Exception {
        Path root = temp.resolve("hosts/big");
        copy(LAYOUTS.resolve("debian12"), root);
        EmbeddedSshHost server = serve(root, LAYOUTS.resolve("debian12"));
        pin(server.knownHostsLine("127.0.0.1"));
        collection.collect(host("big-01", server.port()));
        Map<String, byte[]> before = files(inbox.resolve("big-01"));

        Files.write(root.resolve("etc/logrotate.d/huge"), new byte[(int) SnapshotLimits.DEFAULT.maxFileBytes() + 1]);
        collection.collect(host("big-01", server.port()));

        assertThat(failure("big-01").getReason()).startsWith("snapshot refused: /etc/logrotate.d/huge is larger than 1048576 bytes");
        assertThat(files(inbox.resolve("big-01"))).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void anEncryptedKeyIsOpenedWithItsPassphraseFromTheEnvironmentOrAFile() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("127.0.0.1"));
        Path encrypted = TestKeys.write(userKey, temp.resolve("id_encrypted"), "correct horse");
        Path passphrase = Files.writeString(temp.resolve("passphrase"), "correct horse\n");
        SshCollection withEnv = collection(2, Map.of("ANNEXA_SSH_PASSPHRASE", "correct horse"));

        withEnv.collect(withAuth("env-01", server.port(),
                new KeyFile(encrypted, new HostInventory.SecretEnv("ANNEXA_SSH_PASSPHRASE"))));
        withEnv.collect(withAuth("file-01", server.port(), new KeyFile(encrypted, new HostInventory.SecretFile(passphrase))));
        withEnv.collect(withAuth("unset-01", server.port(), new KeyFile(encrypted, new HostInventory.SecretEnv("NOT_SET"))));

        assertThat(inbox.resolve("env-01/etc/ssh/sshd_config")).exists();
        assertThat(inbox.resolve("file-01/etc/ssh/sshd_config")).exists();
        assertThat(failure("unset-01").getReason()).contains("the passphrase variable NOT_SET is not set");
    }

    /** The real OpenSSH agent (openssh-client, which .ci/run installs with the server). */
    @Test
    void theKeysOfARealSshAgentAreUsedForAHostThatSaysAgent() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-agent")), "no ssh-agent here");
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("127.0.0.1"));
        Path socket = temp.resolve("agent.sock");
        Process agent = new ProcessBuilder("/usr/bin/ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        closing.add(() -> {
            agent.destroy();
            agent.waitFor();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ProcessBuilder add = new ProcessBuilder("ssh-add", keyFile.toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process adding = add.start();
        assertThat(adding.waitFor()).as(new String(adding.getInputStream().readAllBytes())).isZero();

        collection.collect(withAuth("named-socket", server.port(), new HostInventory.Agent(socket)));
        collection(1, Map.of("SSH_AUTH_SOCK", socket.toString()))
                .collect(withAuth("from-environment", server.port(), new HostInventory.Agent(null)));
        collection.collect(withAuth("no-agent-socket", server.port(), new HostInventory.Agent(null)));

        assertThat(inbox.resolve("named-socket/etc/ssh/sshd_config")).exists();
        assertThat(inbox.resolve("from-environment/etc/ssh/sshd_config")).exists();
        assertThat(failure("no-agent-socket").getReason()).contains("SSH_AUTH_SOCK is not set");
    }

    @Test
    void aHostBehindAJumpHostIsCheckedUnderItsOwnNameAndPort() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        // one line pins both: the jump host and the host are the same server here. The host is reached on a local
        // tunnel port, so were the key looked up under the address connected to, it would be unknown.
        pin(server.knownHostsLine("127.0.0.1"));
        Host behind = new Host("inner-01", "127.0.0.1", server.port(), "annexa", new KeyFile(keyFile, null), knownHosts,
                Optional.of(new HostInventory.Jump("127.0.0.1", server.port(), null)), EnumSet.of(Collector.FILES, Collector.SSHD_T),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(2));

        collection.collect(behind);

        assertThat(inbox.resolve("inner-01/etc/ssh/sshd_config")).exists();
        assertThat(inbox.resolve("inner-01/.annexa/commands/sshd-T")).exists();
        assertThat(server.logins).hasValue(2);
    }

    @Test
    void twoHundredHostsAreCollectedInParallelByTheBoundedPool() throws Exception {
        EmbeddedSshHost server = serve("debian12");
        pin(server.knownHostsLine("127.0.0.1"));
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            hosts.add(host(String.format("host-%03d", i), server.port()));
        }
        SshCollection pooled = collection(SshCollection.DEFAULT_POOL_SIZE, Map.of());
        pooled.useInventory(() -> new HostInventory(hosts));

        long started = System.nanoTime();
        pooled.tick();
        assertThat(pooled.running()).isBetween(1, 200);
        await().atMost(Duration.ofMinutes(3)).until(() -> pooled.lastSuccesses().size() == 200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("200 hosts collected in " + millis + " ms with a pool of " + SshCollection.DEFAULT_POOL_SIZE);

        for (Host host : hosts) {
            assertThat(inbox.resolve(host.asset()).resolve("etc/ssh/sshd_config")).exists();
        }
        assertThat(hosts).allSatisfy(host -> assertThat(sink.latest(SshCollection.key(host.asset()))).contains(List.of()));
        // every host is due again only after its period: a second tick starts nothing
        pooled.tick();
        assertThat(pooled.running()).isZero();
    }

    private HostInventory.Host withAuth(String asset, int port, HostInventory.Auth auth) {
        return new Host(asset, "127.0.0.1", port, "annexa", auth, knownHosts, Optional.empty(), EnumSet.of(Collector.FILES),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(2));
    }

    private CollectionFailed failure(String asset) {
        List<Object> facts = sink.latest(SshCollection.key(asset)).orElseThrow();
        assertThat(facts).hasSize(1);
        return (CollectionFailed) facts.get(0);
    }

    static Map<String, String> description(Path snapshot) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(snapshot.resolve(HostCollector.DESCRIPTION))) {
            properties.load(in);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    /** Every regular file under a folder by its relative path, with its content. */
    static Map<String, byte[]> files(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        return files;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
