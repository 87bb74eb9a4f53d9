package io.annexa.ingestion.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import io.annexa.evidence.ConfigSources;
import io.annexa.ingestion.ssh.HostInventory.Agent;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import io.annexa.ingestion.ssh.HostInventory.SecretEnv;
import io.annexa.ingestion.ssh.HostInventory.SecretFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostInventoryReaderTest {

    @TempDir
    Path temp;

    HostInventory read(String yaml) throws Exception {
        Path file = Files.writeString(temp.resolve("hosts.yml"), yaml);
        return HostInventoryReader.read(file, "config/hosts.yml");
    }

    String problems(String yaml) throws IOException {
        Path file = Files.writeString(temp.resolve("hosts.yml"), yaml);
        try {
            HostInventoryReader.read(file, "config/hosts.yml");
            throw new AssertionError("accepted: " + yaml);
        } catch (HostInventoryReader.InventoryException e) {
            return String.join("\n", e.problems());
        }
    }

    @Test
    void hostsTakeTheirGroupsSettingsOverTheDefaultsAndTheirOwnOverBoth() throws Exception {
        HostInventory inventory = read("""
                defaults:
                  user: annexa
                  known_hosts: ssh/known_hosts
                  auth: { key: ssh/id_ed25519, passphrase: "${env:ANNEXA_SSH_PASSPHRASE}" }
                groups:
                  dmz:
                    jump: { address: bastion.example.org, user: jumper }
                    collectors: [files, sshd-T, auditctl-l]
                    period: 30m
                hosts:
                  - name: WEB-01.example.org.
                    address: 10.0.0.11
                    group: dmz
                  - name: db-01
                    port: 2222
                    user: collector
                    auth: { agent: true }
                    timeout: 10s
                    expected_interval: 3h
                """);

        Host web = inventory.hosts().get(0);
        assertThat(web).isEqualTo(new Host("web-01.example.org", "10.0.0.11", 22, "annexa",
                new KeyFile(temp.resolve("ssh/id_ed25519"), new SecretEnv("ANNEXA_SSH_PASSPHRASE")), temp.resolve("ssh/known_hosts"),
                Optional.of(new HostInventory.Jump("bastion.example.org", 22, "jumper")), EnumSet.allOf(Collector.class),
                Duration.ofMinutes(30), Duration.ofSeconds(60), Duration.ofHours(1)));
        Host db = inventory.hosts().get(1);
        assertThat(db.address()).isEqualTo("db-01");
        assertThat(db.port()).isEqualTo(2222);
        assertThat(db.user()).isEqualTo("collector");
        assertThat(db.auth()).isEqualTo(new Agent(null));
        assertThat(db.jump()).isEmpty();
        assertThat(db.collectors()).containsExactlyInAnyOrder(Collector.FILES, Collector.SSHD_T);
        assertThat(db.period()).isEqualTo(Duration.ofHours(1));
        assertThat(db.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(db.expectedInterval()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void anInlineSecretIsRefusedWithTheWayToGiveItInstead() throws Exception {
        String problems = problems("""
                defaults:
                  user: annexa
                  known_hosts: /etc/annexa/known_hosts
                hosts:
                  - name: web-01
                    auth: { key: /etc/annexa/id, passphrase: hunter2 }
                  - name: web-02
                    auth: { password: hunter2 }
                  - name: web-03
                    auth: { key: "-----BEGIN OPENSSH PRIVATE KEY-----" }
                """);

        assertThat(problems).contains(
                "config/hosts.yml:6:46: hosts[0].auth.passphrase: an inline passphrase is refused: secrets are never written in"
                        + " hosts.yml; write passphrase: ${env:NAME} or passphrase_file: <file>",
                "config/hosts.yml:8:13: hosts[1].auth.password: secrets are never written in hosts.yml",
                "config/hosts.yml:10:18: hosts[2].auth.key: holds the content of a key, not the path of its file");
        assertThat(problems).doesNotContain("hunter2").doesNotContain("has no auth");
    }

    @Test
    void everyProblemIsListedWithItsLine() throws Exception {
        String problems = problems("""
                hosts:
                  - name: web-01
                    port: 70000
                    collectors: [files, rm -rf /]
                    period: 10s
                    group: nowhere
                  - name: web-01
                    user: annexa
                    auth: { agent: yes please }
                    known_hosts: k
                  - address: 10.0.0.1
                """);

        assertThat(problems.lines()).containsExactly(
                "config/hosts.yml:2:5: hosts[0]: has no user (give user: on the host, its group or defaults)",
                "config/hosts.yml:2:5: hosts[0]: has no auth (a key file or agent: true, on the host, its group or defaults)",
                "config/hosts.yml:2:5: hosts[0]: has no known_hosts: the host key must be pinned, Annexa never accepts an unknown key",
                "config/hosts.yml:3:11: hosts[0].port: '70000' is not a port from 1 to 65535",
                "config/hosts.yml:4:25: hosts[0].collectors[1]: unknown collector 'rm -rf /'; allowed: files, sshd-T, auditctl-l"
                        + " (commands are a fixed list: no other can be configured)",
                "config/hosts.yml:5:13: hosts[0].period: is 10s, less than the 1m allowed",
                "config/hosts.yml:6:12: hosts[0].group: names no group under groups: 'nowhere'",
                "config/hosts.yml:7:11: hosts[1].name: 'web-01' is listed twice (first on line 2); one asset has one collection",
                "config/hosts.yml:9:20: hosts[1].auth.agent: must be true (the agent SSH_AUTH_SOCK names) or the absolute path"
                        + " of the agent's socket",
                "config/hosts.yml:11:5: hosts[2]: has no name (the asset its evidence is filed under)",
                "config/hosts.yml:11:5: hosts[2]: has no user (give user: on the host, its group or defaults)",
                "config/hosts.yml:11:5: hosts[2]: has no auth (a key file or agent: true, on the host, its group or defaults)",
                "config/hosts.yml:11:5: hosts[2]: has no known_hosts: the host key must be pinned, Annexa never accepts an"
                        + " unknown key");
    }

    @Test
    void anAbsentOrCommentedFileIsAnEmptyInventory() throws Exception {
        assertThat(HostInventoryReader.read(temp.resolve("none.yml"), "config/hosts.yml").hosts()).isEmpty();
        assertThat(HostInventoryReader.read(ProjectFiles.root().resolve("config/hosts.yml"), "config/hosts.yml").hosts()).isEmpty();
    }

    @Test
    void theShippedExampleReadsAsDocumentedOnceUncommented() throws Exception {
        String shipped = Files.readString(ProjectFiles.root().resolve("config/hosts.yml"));
        String example = shipped.lines().filter(l -> l.startsWith("# ") || l.equals("#"))
                .map(l -> l.length() > 2 ? l.substring(2) : "")
                .dropWhile(l -> !l.startsWith("defaults:"))
                .collect(Collectors.joining("\n"));

        HostInventory inventory = read(example);

        assertThat(inventory.hosts()).extracting(Host::asset).containsExactly("web-01", "db-01.example.org");
        assertThat(inventory.hosts().get(0).jump()).isPresent();
        assertThat(inventory.hosts().get(1).port()).isEqualTo(2222);
        assertThat(inventory.hosts().get(1).auth()).isEqualTo(new KeyFile(temp.resolve("ssh/id_ed25519"),
                new SecretEnv("ANNEXA_SSH_PASSPHRASE")));
    }

    @Test
    void aPassphraseFileIsAPathRelativeToTheInventory() throws Exception {
        HostInventory inventory = read("""
                hosts:
                  - name: web-01
                    user: annexa
                    known_hosts: known_hosts
                    auth: { key: id, passphrase_file: secret/passphrase }
                """);
        assertThat(inventory.hosts().get(0).auth())
                .isEqualTo(new KeyFile(temp.resolve("id"), new SecretFile(temp.resolve("secret/passphrase"))));
    }

    /** A kind of evidence added to Annexa must say where it lives on a host, or collections would silently lack it. */
    @Test
    void everyKindOfConfigurationHasAPlaceOnTheHost() {
        Set<String> started = HostFiles.starts().stream().flatMap(s -> s.source().stream()).collect(Collectors.toSet());
        assertThat(started).containsExactlyInAnyOrderElementsOf(ConfigSources.ALL);
    }
}
