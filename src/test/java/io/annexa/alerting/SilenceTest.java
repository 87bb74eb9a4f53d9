package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SilenceTest {

    static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    static final Instant END = Instant.parse("2026-12-04T12:00:00Z");

    static Silence silence(String... matchers) {
        return new Silence(1, List.of(matchers).stream().map(LabelMatcher::parse).toList(), START, END, "maintenance", "alice");
    }

    @Test
    void silencesWhenAllMatchersMatchWithinItsTime() {
        Silence silence = silence("asset = \"web-1\"", "grade =~ \"major|minor\"");
        Map<String, String> labels = Map.of("asset", "web-1", "grade", "major");

        assertThat(silence.silences(labels, START)).isTrue();
        assertThat(silence.silences(labels, END.minusMillis(1))).isTrue();
        assertThat(silence.silences(Map.of("asset", "web-1", "grade", "observation"), START)).isFalse();
        assertThat(silence.silences(Map.of("asset", "web-2", "grade", "major"), START)).isFalse();
    }

    @Test
    void startsAtIsIncludedAndEndsAtIsNot() {
        Silence silence = silence("asset = \"web-1\"");
        Map<String, String> labels = Map.of("asset", "web-1");

        assertThat(silence.silences(labels, START.minusMillis(1))).isFalse();
        assertThat(silence.silences(labels, END)).isFalse();
    }

    @Test
    void aSilenceThatWouldMuteEveryAlertIsRefused() {
        assertThatThrownBy(() -> silence()).hasMessageContaining("at least one matcher");
        assertThatThrownBy(() -> silence("owner != \"bob\"")).hasMessageContaining("mute every alert");
        assertThatThrownBy(() -> silence("asset =~ \".*\"")).hasMessageContaining("mute every alert");
        assertThat(silence("owner != \"bob\"", "asset = \"web-1\"").silences(Map.of("asset", "web-1"), START)).isTrue();
    }

    @Test
    void aSilenceMustEndAfterItStarts() {
        assertThatThrownBy(() -> new Silence(1, List.of(LabelMatcher.parse("asset=web-1")), END, START, "", "alice"))
                .hasMessageContaining("end after it starts");
    }
}
