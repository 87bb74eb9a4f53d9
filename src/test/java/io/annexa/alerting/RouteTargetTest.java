package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Group keys are stored and indexed, so however long the labels, a key stays bounded, unique and stable. */
class RouteTargetTest {

    private final RouteTarget everyLabel = new RouteTarget("secops", List.of(RouteTarget.ALL_LABELS), Duration.ZERO,
            Duration.ofMinutes(5), Duration.ofHours(4), "0.1");

    @Test
    void aShortKeyIsReadableAsItIs() {
        assertThat(everyLabel.groupKey(Map.of("asset", "web1"))).startsWith("0.1/secops/{").contains("asset=\"web1\"")
                .hasSizeLessThan(RouteTarget.MAX_KEY_LENGTH);
    }

    @Test
    void aLongKeyKeepsItsBeginningAndEndsInTheDigestOfTheWhole() {
        String owner = "Ω".repeat(3000); // 2 bytes a character in UTF-8, 6,000 bytes: past an index entry
        String one = everyLabel.groupKey(Map.of("asset", "web1", "owner", owner + "a"));
        String other = everyLabel.groupKey(Map.of("asset", "web1", "owner", owner + "b"));

        assertThat(one).hasSize(RouteTarget.MAX_KEY_LENGTH).startsWith("0.1/secops/{").matches("(?s).*\\.\\.\\.#[0-9a-f]{64}");
        assertThat(other).hasSize(RouteTarget.MAX_KEY_LENGTH).isNotEqualTo(one);
        assertThat(everyLabel.groupKey(Map.of("asset", "web1", "owner", owner + "a"))).as("stable").isEqualTo(one);
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String key = "k".repeat(RouteTarget.MAX_KEY_LENGTH - 68 - 1) + "😀".repeat(400);
        String bounded = RouteTarget.bounded(key);

        assertThat(bounded.codePoints().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
        assertThat(bounded.length()).isLessThanOrEqualTo(RouteTarget.MAX_KEY_LENGTH);
    }
}
