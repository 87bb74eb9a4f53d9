package io.annexa.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ingestion.ssh.HostInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/hosts.yml while Annexa runs: a good edit is taken into service, a refused one leaves the last good inventory. */
class HostsConfigurationTest {

    private static final String TWO_HOSTS = """
            defaults: { user: annexa, known_hosts: known_hosts, auth: { agent: true } }
            hosts:
              - name: web-01
              - name: web-02
            """;

    @TempDir
    Path config;

    private void write(String yaml, long second) throws Exception {
        Path file = config.resolve("hosts.yml");
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-02T09:00:00Z").plusSeconds(second)));
    }

    @Test
    void withoutAFileNothingIsCollectedAndNothingIsWrong() {
        HostsConfiguration hosts = new HostsConfiguration(config);

        assertThat(hosts.inventory().hosts()).isEmpty();
        assertThat(hosts.status().present()).isFalse();
        assertThat(hosts.status().problems()).isEmpty();
    }

    @Test
    void aRefusedEditKeepsTheInventoryInServiceAndShowsItsProblems() throws Exception {
        write(TWO_HOSTS, 0);
        HostsConfiguration hosts = new HostsConfiguration(config);
        HostInventory inService = hosts.inventory();
        assertThat(inService.hosts()).extracting(HostInventory.Host::asset).containsExactly("web-01", "web-02");

        write(TWO_HOSTS.replace("{ agent: true }", "{ password: secret }"), 10);
        assertThat(hosts.reloadIfChanged()).isFalse();

        assertThat(hosts.inventory()).isSameAs(inService);
        assertThat(hosts.status().problems()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("config/hosts.yml:1:"));
        assertThat(hosts.status().refusedAt()).isNotNull();

        write(TWO_HOSTS.replace("  - name: web-02\n", ""), 20);
        assertThat(hosts.reloadIfChanged()).isTrue();
        assertThat(hosts.inventory().hosts()).extracting(HostInventory.Host::asset).containsExactly("web-01");
        assertThat(hosts.status().problems()).isEmpty();
        assertThat(hosts.reloadIfChanged()).as("unchanged").isFalse();
    }

    /** The collection then neither collects nor takes the hosts it reported failing before the restart for removed. */
    @Test
    void aFileRefusedSinceStartLeavesTheInventoryUnknownUntilAnEditIsTakenIn() throws Exception {
        write(TWO_HOSTS.replace("{ agent: true }", "{ password: secret }"), 0);
        HostsConfiguration hosts = new HostsConfiguration(config);
        assertThat(hosts.inventoryKnown()).isNull();
        assertThat(hosts.inventory().hosts()).isEmpty();

        write(TWO_HOSTS, 10);
        assertThat(hosts.reloadIfChanged()).isTrue();
        assertThat(hosts.inventoryKnown().hosts()).extracting(HostInventory.Host::asset).containsExactly("web-01", "web-02");
    }

    @Test
    void withoutAFileTheInventoryIsKnownToBeEmpty() {
        assertThat(new HostsConfiguration(config).inventoryKnown().hosts()).isEmpty();
    }
}
