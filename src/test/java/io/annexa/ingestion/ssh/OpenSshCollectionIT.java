package io.annexa.ingestion.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.annexa.evidence.CollectionFailed;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection against a real OpenSSH server: Debian's {@code /usr/sbin/sshd} started by the test on a free loopback port
 * as the user running the test, with a host key and a user key made by the real {@code ssh-keygen}, serving this
 * machine's own {@code /etc}. {@code .ci/run} installs {@code openssh-server} when it is missing; without it the test
 * cannot run and says so.
 */
class OpenSshCollectionIT {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    @TempDir
    Path temp;

    Process sshd;
    int port;
    Path hostKey;
    Path userKey;
    Path knownHosts;
    final CollectingSink sink = new CollectingSink();
    SshCollection collection;

    @BeforeEach
    void startSshd() throws Exception {
        assumeTrue(Files.isExecutable(SSHD), "Debian's openssh-server is not installed (.ci/run installs it)");
        hostKey = keygen("host_ed25519");
        userKey = keygen("id_ed25519");
        Files.copy(userKey.resolveSibling("id_ed25519.pub"), temp.resolve("authorized_keys"));
        port = freePort();
        Path config = Files.write(temp.resolve("sshd_config"), List.of(
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + temp.resolve("sshd.pid"),
                "AuthorizedKeysFile " + temp.resolve("authorized_keys"),
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // the temporary folder is not root's own, as StrictModes wants for a real user's files
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE"));
        if ("root".equals(System.getProperty("user.name"))) {
            // sshd started as root separates privileges into this folder, which systemd makes at boot
            Files.createDirectories(Path.of("/run/sshd"));
        }
        sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString(), "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(temp.resolve("sshd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> listening(port) || !sshd.isAlive());
        assertThat(sshd.isAlive()).as("sshd started: " + log()).isTrue();
        knownHosts = Files.writeString(temp.resolve("known_hosts"),
                "[127.0.0.1]:" + port + " " + Files.readString(hostKey.resolveSibling("host_ed25519.pub")));
        collection = new SshCollection(sink, temp.resolve("data/inbox/hosts"), temp.resolve("data/staging/hosts"), 2,
                Duration.ofMinutes(5), SnapshotLimits.DEFAULT, System::getenv, Clock.systemUTC());
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (collection != null) {
            collection.close();
        }
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor();
        }
    }

    Host host(String asset) {
        return new Host(asset, "127.0.0.1", port, System.getProperty("user.name"), new KeyFile(userKey, null), knownHosts,
                Optional.empty(), EnumSet.allOf(Collector.class), Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofHours(2));
    }

    @Test
    void thisMachinesEvidenceIsCollectedFromARealOpenSshServer() throws Exception {
        collection.collect(host("this-machine"));

        Path snapshot = temp.resolve("data/inbox/hosts/this-machine");
        assertThat(snapshot.resolve("etc/ssh/sshd_config")).as(log()).hasSameBinaryContentAs(Path.of("/etc/ssh/sshd_config"));
        assertThat(snapshot.resolve("etc/login.defs")).hasSameBinaryContentAs(Path.of("/etc/login.defs"));
        assertThat(snapshot.resolve("etc/pam.d/sshd")).hasSameBinaryContentAs(Path.of("/etc/pam.d/sshd"));
        // sshd_config's Include globbed sshd_config.d on the server; the folder is there, as on the machine
        assertThat(snapshot.resolve("etc/ssh/sshd_config.d")).isDirectory();
        // never fetched, though they sit beside sshd_config
        assertThat(snapshot.resolve("etc/ssh/ssh_host_ed25519_key")).doesNotExist();
        Map<String, String> description = SshCollectionTest.description(snapshot);
        if ("root".equals(System.getProperty("user.name"))) {
            // sshd -T reads the host keys, which only root may
            assertThat(description).containsEntry("command.sshd-T", "ok");
            assertThat(Files.readAllLines(snapshot.resolve(".annexa/commands/sshd-T"))).contains("usepam yes")
                    .anyMatch(line -> line.startsWith("permitrootlogin "));
        } else {
            assertThat(description.get("command.sshd-T")).startsWith("exit ");
        }
        if (!Files.exists(Path.of("/sbin/auditctl"))) {
            assertThat(description.get("command.auditctl-l")).startsWith("exit 127");
        }
        assertThat(sink.latest(SshCollection.key("this-machine"))).contains(List.of());
    }

    @Test
    void aRealServerWithAnotherKeyThanThePinnedOneIsRefused() throws Exception {
        Path other = keygen("other_ed25519");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(other.resolveSibling("other_ed25519.pub")));

        collection.collect(host("this-machine"));

        List<Object> facts = sink.latest(SshCollection.key("this-machine")).orElseThrow();
        assertThat(((CollectionFailed) facts.get(0)).getReason()).startsWith("host key changed: [127.0.0.1]:" + port);
        assertThat(temp.resolve("data/inbox/hosts/this-machine")).doesNotExist();
    }

    private Path keygen(String name) throws IOException, InterruptedException {
        Path key = temp.resolve(name);
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "annexa-test", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor()).as(new String(keygen.getInputStream().readAllBytes())).isZero();
        return key;
    }

    private String log() {
        try {
            return Files.readString(temp.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
