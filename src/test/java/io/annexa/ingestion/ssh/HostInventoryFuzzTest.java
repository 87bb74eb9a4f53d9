package io.annexa.ingestion.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.fuzz.FuzzInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code config/hosts.yml} fed mutations of valid inventories and random bytes: it is read, or refused with every
 * problem naming the file and a line inside it; nothing else escapes, and no problem repeats an inline passphrase.
 */
class HostInventoryFuzzTest {

    private static final Path FILE = workDir().resolve("hosts.yml");
    private static final Pattern PLACE = Pattern.compile("config/hosts\\.yml:(\\d+):(\\d+): .+");

    static final String INVENTORY = """
            defaults:
              user: annexa
              known_hosts: ssh/known_hosts
              auth: { key: ssh/id_ed25519, passphrase: "${env:ANNEXA_SSH_PASSPHRASE}" }
              collectors: [files, sshd-T]
              period: 1h
              timeout: 60s
            groups:
              dmz:
                jump: { address: bastion.example.org, port: 2222, user: jump }
                collectors: [files, sshd-T, auditctl-l]
                expected_interval: 3h
              agents:
                auth: { agent: /run/annexa/agent.sock }
            hosts:
              - name: web-01
                address: 10.0.0.11
                group: dmz
              - { name: db-01.example.org, port: 2222, group: agents, period: 30m }
              - name: mail-01
                auth: { key: /etc/annexa/id_rsa, passphrase_file: /etc/annexa/passphrase }
            """;

    @Property
    void hostsYmlIsReadOrRefusedNamingFileAndLine(@ForAll("inventories") byte[] content) throws IOException {
        Files.write(FILE, content);
        HostInventoryReader.InventoryException refused = FuzzInputs.bounded(content, () -> {
            try {
                HostInventoryReader.read(FILE, "config/hosts.yml");
                return null;
            } catch (HostInventoryReader.InventoryException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.problems()).isNotEmpty().allSatisfy(problem -> {
                Matcher place = PLACE.matcher(problem);
                assertThat(place.matches()).as(FuzzInputs.describe(problem, content)).isTrue();
                assertThat(Integer.parseInt(place.group(1))).as(FuzzInputs.describe(problem, content))
                        .isBetween(0, FuzzInputs.lineCount(content));
            });
        }
    }

    @Provide
    Arbitrary<byte[]> inventories() {
        return FuzzInputs.bytes(List.of(INVENTORY, "hosts:\n  - name: a\n    user: u\n    known_hosts: k\n    auth: {agent: true}\n"));
    }

    private static Path workDir() {
        try {
            return Files.createTempDirectory("hosts-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
