package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Which live timestamps are replaced by now, for a skew of one minute. */
class TimestampGuardTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aTimeFurtherAheadThanTheSkewIsReplacedByNowAndOneWithinItIsKept() {
        TimestampGuard guard = new TimestampGuard(CLOCK, Duration.ofMinutes(1), false);

        assertThat(guard.replacement(NOW.plus(Duration.ofMinutes(5)))).isEqualTo(NOW);
        assertThat(guard.replacement(NOW.plusSeconds(30))).isNull();
        assertThat(guard.replacement(NOW.plusSeconds(60))).as("exactly the skew").isNull();
        assertThat(guard.replacement(NOW.plusSeconds(60).plusMillis(1))).isEqualTo(NOW);
    }

    @Test
    void aTimeFurtherBehindIsReplacedOnlyWhereTheRouteClampsOldTimes() {
        TimestampGuard network = new TimestampGuard(CLOCK, Duration.ofMinutes(1), true);
        TimestampGuard followedFile = new TimestampGuard(CLOCK, Duration.ofMinutes(1), false);

        assertThat(network.replacement(NOW.minus(Duration.ofMinutes(5)))).isEqualTo(NOW);
        assertThat(network.replacement(Instant.parse("1999-01-01T00:00:00Z"))).isEqualTo(NOW);
        assertThat(network.replacement(NOW.minusSeconds(30))).isNull();
        assertThat(network.replacement(NOW.plus(Duration.ofMinutes(5)))).isEqualTo(NOW);
        assertThat(followedFile.replacement(NOW.minus(Duration.ofHours(3)))).isNull();
        assertThat(followedFile.replacement(Instant.parse("1999-01-01T00:00:00Z"))).isNull();
    }

    @Test
    void aNegativeSkewIsRefusedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TimestampGuard(CLOCK, Duration.ofMinutes(-1), true))
                .withMessageContaining("annexa.sources.logs.max-clock-skew");
    }
}
