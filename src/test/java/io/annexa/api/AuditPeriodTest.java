package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The audit report's period: what from and to mean, and the 400 messages that name what is wrong. */
class AuditPeriodTest {

    @Test
    void datesCoverWholeDaysAndTheEndDayIsIncluded() {
        AuditPeriod period = AuditPeriod.parse("2026-01-01", "2026-12-31");

        assertThat(period.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(period.to()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(period.fileName("xml")).isEqualTo("annexa-audit-2026-01-01-2026-12-31.xml");
        // one day is a period too
        assertThat(AuditPeriod.parse("2026-05-04", "2026-05-04").to()).isEqualTo(Instant.parse("2026-05-05T00:00:00Z"));
    }

    @Test
    void timesAreTakenAsGivenAndNamedSafelyInTheFileName() {
        AuditPeriod period = AuditPeriod.parse(" 2026-01-01T08:30:00+02:00 ", "2026-02-01T00:00:00.250Z");

        assertThat(period.from()).isEqualTo(Instant.parse("2026-01-01T06:30:00Z"));
        assertThat(period.to()).isEqualTo(Instant.parse("2026-02-01T00:00:00.250Z"));
        assertThat(period.fileName("csv")).isEqualTo("annexa-audit-2026-01-01T063000Z-2026-02-01T000000250Z.csv")
                .matches("[A-Za-z0-9.-]+");
    }

    @Test
    void bothBoundsAreRequired() {
        assertRefused(null, "2026-12-31", "query parameter from: required, a date (2026-01-01) or a time");
        assertRefused("2026-01-01", " ", "query parameter to: required");
    }

    @Test
    void textThatIsNeitherADateNorATimeIsNamed() {
        assertRefused("yesterday", "2026-12-31", "query parameter from: 'yesterday' is neither a date (2026-01-01) nor a time");
        assertRefused("2026-01-01", "2026-13-01", "query parameter to: '2026-13-01' is neither a date");
        assertRefused("2026-01-01", "2026-02-01T10:00Z", "query parameter to: '2026-02-01T10:00Z'");
        assertRefused("2026-01-01".repeat(5), "2026-12-31", "query parameter from: at most 40 characters, not 50");
    }

    @Test
    void toMustComeAfterFrom() {
        assertRefused("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "query parameter to: 2026-03-01T00:00:00Z must be after from");
        assertRefused("2026-03-01", "2026-02-28", "query parameter to: 2026-03-01T00:00:00Z must be after from (2026-03-01T00:00:00Z)");
    }

    @Test
    void aPeriodSpansAtMostThreeYears() {
        assertThat(AuditPeriod.parse("2026-01-01", "2028-12-31").to()).isEqualTo(Instant.parse("2029-01-01T00:00:00Z"));
        assertRefused("2026-01-01", "2029-01-01", "query parameter to: the period from 2026-01-01T00:00:00Z to "
                + "2029-01-02T00:00:00Z is longer than 3 years");
    }

    @Test
    void timesNoDatabaseCanHoldAreRefused() {
        assertRefused("1969-12-31", "1970-02-01", "query parameter from: 1969-12-31T00:00:00Z is not between");
        assertRefused("9999-12-30", "+10000-01-01T00:00:00Z", "query parameter to: +10000-01-01T00:00:00Z is not between");
    }

    private static void assertRefused(String from, String to, String message) {
        assertThatThrownBy(() -> AuditPeriod.parse(from, to)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
