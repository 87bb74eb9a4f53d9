package io.annexa.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.alerting.AlertEvent;
import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertStore;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.Quarantine;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's quarantines become rule.quarantined events in the real outbox (H2, migrated as at start), each once. */
class QuarantineAlertsTest {

    private static final Instant SINCE = Instant.parse("2026-03-02T09:00:00Z");
    private static final RuleDefinition ROOT_LOGIN = new RuleDefinition("sshd_root_login_disabled", "Root login disabled",
            List.of("8.5", "8.2"), Severity.HIGH, List.of("sshd_config"), "why", "how", Map.of(),
            Path.of("rules", "sshd_root_login_disabled"), "sshd_root_login_disabled", Map.of(), null, List.of("8.1"));

    @TempDir
    Path data;

    private AlertStore store;
    private QuarantineAlerts alerts;
    private final List<Quarantine> inForce = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embedded(data);
        DatabaseMigrations.migrate(settings);
        store = AlertStore.open(settings);
        AlertOutbox outbox = new AlertOutbox(store, "https://annexa.example.org/");
        alerts = new QuarantineAlerts(() -> List.copyOf(inForce),
                id -> id.equals(ROOT_LOGIN.id()) ? Optional.of(ROOT_LOGIN) : Optional.empty(), ControlCatalog.load(), outbox,
                "https://annexa.example.org/");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aQuarantineIsAnnouncedOnceWithTheRulesLabelsReasonAndLink() {
        inForce.add(new Quarantine(ROOT_LOGIN.id(), "565c8ea89989", "root login allowed", "NullPointerException: asset", SINCE));

        List<AlertEvent> first = alerts.announceNew();
        List<AlertEvent> again = alerts.announceNew();

        assertThat(again).isEmpty();
        assertThat(first).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("rule.quarantined");
            assertThat(event.at()).isEqualTo(SINCE);
            assertThat(event.labels()).containsEntry("event", "rule.quarantined").containsEntry("rule", ROOT_LOGIN.id())
                    .containsEntry("control", "8.5").containsEntry("severity", "high").containsEntry("theme", "technological")
                    .containsEntry("asset", "").containsEntry("grade", "");
            assertThat(event.subject().evidenceSummary()).isEqualTo("NullPointerException: asset");
            assertThat(event.subject().link()).isEqualTo("https://annexa.example.org/api/rules/sshd_root_login_disabled");
            assertThat(event.subject().ruleTitle()).isEqualTo("Root login disabled");
            assertThat(event.subject().annexA()).isEqualTo("A.8.5");
            assertThat(event.subject().clauses()).containsExactly("8.1");
            assertThat(event.subject().status()).isEqualTo("quarantined");
            assertThat(event.subject().nonconformityId()).isNull();
        });
        assertThat(store.eventOutcomes()).containsOnlyKeys(first.get(0).id());
    }

    @Test
    void onlyQuarantinesNotAnnouncedYetAreStored() {
        inForce.add(new Quarantine(ROOT_LOGIN.id(), "565c8ea89989", null, "fired 2000000 times", SINCE));
        String firstId = alerts.announceNew().get(0).id();
        inForce.add(new Quarantine("pam_faillock_configured", "0a1b2c3d4e5f", null, "looped", SINCE.plusSeconds(60)));

        List<AlertEvent> second = alerts.announceNew();

        assertThat(second).singleElement().satisfies(event -> {
            assertThat(event.labels()).containsEntry("rule", "pam_faillock_configured")
                    // a rule no longer in the library in service: what is unknown stays empty
                    .containsEntry("control", "").containsEntry("severity", "");
            assertThat(event.subject().evidenceSummary()).isEqualTo("looped");
        });
        assertThat(store.eventOutcomes()).containsOnlyKeys(firstId, second.get(0).id());
    }

    @Test
    void aRuleQuarantinedAgainAfterItsQuarantineWasLiftedIsAnnouncedAgain() {
        Quarantine first = new Quarantine(ROOT_LOGIN.id(), "565c8ea89989", null, "boom", SINCE);
        inForce.add(first);
        alerts.announceNew();
        inForce.clear();
        assertThat(alerts.announceNew()).isEmpty();

        // the same version deployed back and failing again: a quarantine of its own
        inForce.add(new Quarantine(ROOT_LOGIN.id(), "565c8ea89989", null, "boom", SINCE.plusSeconds(600)));

        assertThat(alerts.announceNew()).singleElement()
                .satisfies(event -> assertThat(event.at()).isEqualTo(SINCE.plusSeconds(600)));
        assertThat(store.eventOutcomes()).hasSize(2);
    }
}
