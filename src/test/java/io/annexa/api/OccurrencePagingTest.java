package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.policy.AssetInventory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/nonconformities/{id}/occurrences} on a real register: pages, the cursor, and its limits. */
class OccurrencePagingTest {

    @TempDir
    Path directory;

    private RegisterFixture fixture;
    private long id;

    @BeforeEach
    void aNonconformityWithSevenOccurrences() {
        fixture = new RegisterFixture(directory, AssetInventory.empty(), Instant.parse("2026-03-02T09:00:00Z"));
        RuleDefinition rule = fixture.rule("sshd_root_login_disabled", "No root login", Severity.HIGH, "8.5");
        for (int i = 1; i <= 7; i++) {
            // each read shows the finding with other evidence: a new occurrence of the same episode
            fixture.evaluate(List.of(RegisterFixture.finding(rule, "web1", "PermitRootLogin yes (/etc/ssh/sshd_config:" + i + ")")), "web1");
            fixture.clock.advance(Duration.ofMinutes(10));
        }
        id = fixture.repository.findActive().get(0).getId();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void pagesFollowTheCursorOldestFirstUntilTheLastHasNoNext() {
        List<String> seen = new ArrayList<>();
        NonconformityResource.Page<NonconformityResource.OccurrenceView> page = NonconformityResource.occurrences(fixture.repository, id, null, "3");
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            sizes.add(page.items().size());
            page.items().forEach(o -> seen.add(o.evidence()));
            if (page.next() == null) {
                break;
            }
            page = NonconformityResource.occurrences(fixture.repository, id, page.next(), "3");
        }
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
        assertThat(seen.get(0)).contains("sshd_config:1");
        assertThat(seen.get(6)).contains("sshd_config:7");
    }

    @Test
    void aPageExactlyAsLongAsWhatIsLeftHasNoNext() {
        NonconformityResource.Page<NonconformityResource.OccurrenceView> all = NonconformityResource.occurrences(fixture.repository, id, null, "7");
        assertThat(all.items()).hasSize(7);
        assertThat(all.next()).isNull();
        assertThat(NonconformityResource.occurrences(fixture.repository, id, null, null).items()).hasSize(7);
    }

    @Test
    void limitsOutsideTheRangeAndWordsAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> NonconformityResource.occurrences(fixture.repository, id, null, "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query parameter limit: between 1 and 500, not 0");
        assertThatThrownBy(() -> NonconformityResource.occurrences(fixture.repository, id, null, "501"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query parameter limit: between 1 and 500, not 501");
        assertThatThrownBy(() -> NonconformityResource.occurrences(fixture.repository, id, null, "many"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query parameter limit: 'many' is not a number");
        assertThatThrownBy(() -> NonconformityResource.occurrences(fixture.repository, id, "x1", "5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query parameter after: occurrence id 'x1' is not a number");
        assertThat(NonconformityResource.occurrences(fixture.repository, id, null, "500").items()).hasSize(7);
    }
}
