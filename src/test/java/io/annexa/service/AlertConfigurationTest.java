package io.annexa.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.ReceiverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/alerts.yml while Annexa runs: a good edit is taken into service, a refused one leaves the last good routing. */
class AlertConfigurationTest {

    private static final String OPS = """
            route:
              receiver: ops
            receivers:
              - name: ops
                webhook:
                  url: https://hooks.example.org/annexa
                  format: slack
            """;

    @TempDir
    Path config;

    private void write(String yaml, long second) throws Exception {
        Path file = config.resolve("alerts.yml");
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-02T09:00:00Z").plusSeconds(second)));
    }

    @Test
    void withoutAFileNothingIsRoutedAndNothingIsWrong() {
        AlertConfiguration alerts = new AlertConfiguration(config);

        assertThat(alerts.routing().receivers()).isEmpty();
        assertThat(alerts.status().present()).isFalse();
        assertThat(alerts.status().problems()).isEmpty();
    }

    @Test
    void aRefusedEditKeepsTheRoutingInServiceAndShowsItsProblems() throws Exception {
        write(OPS, 0);
        AlertConfiguration alerts = new AlertConfiguration(config);
        AlertRouting inService = alerts.routing();
        assertThat(inService.receivers()).extracting(ReceiverConfig::name).containsExactly("ops");

        write(OPS.replace("receiver: ops", "receiver: nobody"), 10);
        assertThat(alerts.reloadIfChanged()).isFalse();

        assertThat(alerts.routing()).isSameAs(inService);
        assertThat(alerts.status().problems()).isNotEmpty().allSatisfy(p -> assertThat(p.file()).isEqualTo("config/alerts.yml"));
        assertThat(alerts.status().refusedAt()).isNotNull();

        write(OPS.replace("ops", "security"), 20);
        assertThat(alerts.reloadIfChanged()).isTrue();
        assertThat(alerts.routing().receivers()).extracting(ReceiverConfig::name).containsExactly("security");
        assertThat(alerts.status().problems()).isEmpty();
        assertThat(alerts.reloadIfChanged()).as("unchanged").isFalse();
    }
}
