package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatcher's configuration keys: defaults, the text forms they accept, and errors that name the key. */
class DispatchSettingsTest {

    @Test
    void theDefaultsAreTheStandardWebhooksScheduleAndAMaximumAgeThatLetsEveryStepRun() {
        DispatchSettings defaults = DispatchSettings.parse(null, "", " ", null);

        assertThat(defaults).isEqualTo(DispatchSettings.defaults());
        assertThat(defaults.retrySchedule()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
        Duration sum = Duration.ofSeconds(99_305);
        assertThat(defaults.maxAge()).isEqualTo(sum.plus(sum.dividedBy(10)).plusMinutes(1));
        assertThat(defaults.threads()).isEqualTo(8);
        assertThat(defaults.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.claimDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.instanceName()).as("made up by each dispatcher at start").isNull();
    }

    @Test
    void theClaimOutlastsThreePollIntervalsAndTheInstanceNameIsKeptAsGiven() {
        DispatchSettings settings = DispatchSettings.parse(null, null, null, "2s", "15s", "  node-a ");
        assertThat(settings.claimDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.instanceName()).isEqualTo("node-a");
        assertThat(DispatchSettings.parse(null, null, null, "30s", null, "").claimDuration())
                .as("the default grows with a long poll interval").isEqualTo(Duration.ofSeconds(90));
        assertThat(DispatchSettings.parse(null, null, null, "30s", null, " ").instanceName()).isNull();
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, null, "2s", "5s", null))
                .hasMessageStartingWith("annexa.alerts.claim-duration: at least three poll intervals");
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, null, null, "a while", null))
                .hasMessageStartingWith("annexa.alerts.claim-duration: 'a while'");
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, null, null, null, "n".repeat(201)))
                .hasMessageStartingWith("annexa.alerts.instance-name");
    }

    @Test
    void durationsAreReadInShortOrIsoForm() {
        DispatchSettings settings = DispatchSettings.parse("250ms, 10s,PT2M,1h,1d", "36h", "4", "500ms");

        assertThat(settings.retrySchedule()).containsExactly(Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofMinutes(2),
                Duration.ofHours(1), Duration.ofDays(1));
        assertThat(settings.maxAge()).isEqualTo(Duration.ofHours(36));
        assertThat(settings.threads()).isEqualTo(4);
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(DispatchSettings.parse("1m,2m", null, null, null).maxAge())
                .as("the maximum age follows a custom schedule").isEqualTo(Duration.ofMinutes(3).plusSeconds(18).plusMinutes(1));
    }

    @Test
    void aWrongValueIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> DispatchSettings.parse("5s,soon", null, null, null))
                .hasMessageStartingWith("annexa.alerts.retry-schedule: 'soon'");
        assertThatThrownBy(() -> DispatchSettings.parse(null, "forever", null, null)).hasMessageStartingWith("annexa.alerts.max-age");
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, "0", null)).hasMessageStartingWith("annexa.alerts.dispatch-threads");
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, "many", null)).hasMessageStartingWith("annexa.alerts.dispatch-threads");
        assertThatThrownBy(() -> DispatchSettings.parse(null, null, null, "0s")).hasMessageStartingWith("annexa.alerts.poll-interval");
        assertThatThrownBy(() -> new DispatchSettings(List.of(), Duration.ofHours(1), 1, Duration.ofSeconds(1)))
                .hasMessageStartingWith("annexa.alerts.retry-schedule");
    }
}
