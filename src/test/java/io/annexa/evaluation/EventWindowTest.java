package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventWindowTest {

    private static final long MINUTE = 60_000;

    @Test
    void aWeightedEventCountsItsWeightAndLeavesTheWindowWhole() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);

        window.add(0, 1);
        window.add(MINUTE, 100_000);

        assertThat(window.getCount()).isEqualTo(100_001);
        assertThat(window.countAt(MINUTE)).isEqualTo(100_001);
        assertThat(window.countAt(0)).isEqualTo(1);

        window.add(11 * MINUTE, 2);

        assertThat(window.getCount()).as("the first minute's 100,000 have left the window").isEqualTo(2);
    }

    @Test
    void aRepeatedUserNameIsStillOneDistinctValue() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);

        window.addValue(0, "root", 500);
        window.addValue(1, "admin");

        assertThat(window.getCount()).isEqualTo(501);
        assertThat(window.getDistinct()).isEqualTo(2);
    }

    @Test
    void countsSaturateInsteadOfOverflowing() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);

        for (int i = 0; i < 3; i++) {
            window.add(i, Integer.MAX_VALUE);
        }

        assertThat(window.getCount()).isEqualTo(Integer.MAX_VALUE);
        assertThat(window.countAt(2)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void refusesANonPositiveWeight() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, MINUTE);

        assertThatThrownBy(() -> window.add(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
    }

    @Test
    void inOrderEventsSlideAsBefore() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);

        for (int minute = 0; minute <= 12; minute++) {
            window.addValue(minute * MINUTE, "user" + minute % 3);
        }

        // minutes 3 to 12: an event exactly one window before the newest has left it
        assertThat(window.getCount()).isEqualTo(10);
        assertThat(window.getFirstAt()).isEqualTo(3 * MINUTE);
        assertThat(window.getLastAt()).isEqualTo(12 * MINUTE);
        assertThat(window.getDistinct()).isEqualTo(3);
        assertThat(window.countAt(5 * MINUTE)).as("minutes 3 to 5 are still kept").isEqualTo(3);
        assertThat(window.getLate()).isZero();
    }

    @Test
    void aShuffledBurstCountsWhatTheSortedBurstCounts() {
        List<Long> times = new ArrayList<>();
        for (long second = 0; second < 20 * 60; second += 7) {
            times.add(second * 1_000);
        }
        EventWindow sorted = new EventWindow("r", "web1", "1.2.3.4", times.get(0), 10 * MINUTE);
        times.forEach(t -> sorted.addValue(t, "user" + t % 11));
        List<Long> shuffled = new ArrayList<>(times);
        Collections.shuffle(shuffled, new Random(27001));
        EventWindow outOfOrder = new EventWindow("r", "web1", "1.2.3.4", shuffled.get(0), 10 * MINUTE);
        shuffled.forEach(t -> outOfOrder.addValue(t, "user" + t % 11));

        assertThat(outOfOrder.getCount()).isEqualTo(sorted.getCount()).isEqualTo(86);
        assertThat(outOfOrder.getDistinct()).isEqualTo(sorted.getDistinct());
        assertThat(outOfOrder.distinctValues()).isEqualTo(sorted.distinctValues());
        assertThat(outOfOrder.getFirstAt()).isEqualTo(sorted.getFirstAt());
        assertThat(outOfOrder.getLastAt()).isEqualTo(sorted.getLastAt());
        assertThat(outOfOrder.countAt(15 * MINUTE)).isEqualTo(sorted.countAt(15 * MINUTE));
    }

    @Test
    void anEventOlderThanTheWindowOnArrivalIsNotCounted() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 20 * MINUTE, 10 * MINUTE);
        window.addValue(20 * MINUTE, "root");

        window.addValue(10 * MINUTE, "admin", 50);
        window.addValue(5 * MINUTE, "oracle");

        assertThat(window.getCount()).isEqualTo(1);
        assertThat(window.getDistinct()).isEqualTo(1);
        assertThat(window.getFirstAt()).isEqualTo(20 * MINUTE);
        assertThat(window.getLate()).isEqualTo(2);

        window.addValue(10 * MINUTE + 1, "admin");

        assertThat(window.getCount()).as("just inside the window, though late").isEqualTo(2);
        assertThat(window.distinctValues()).containsExactly("admin", "root");
    }

    @Test
    void aLateEventDoesNotReopenAReportedBurst() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 30 * MINUTE, 10 * MINUTE);
        window.add(30 * MINUTE);
        window.markReported();

        window.add(MINUTE);
        window.add(25 * MINUTE);

        assertThat(window.isReported()).isTrue();
        assertThat(window.getCount()).isEqualTo(2);
    }

    @Test
    void keepsOnlyTheTimesWithinTheWindowHoweverLongTheStream() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);
        Random random = new Random(42);

        for (long second = 0; second < 24 * 60 * 60; second++) {
            // senders up to five minutes apart: events arrive out of order by that much
            long at = Math.max(0, second * 1_000 - random.nextInt(5 * 60) * 1_000L);
            window.addValue(at, "user" + random.nextInt(1_000));
            assertThat(window.retainedTimes()).isLessThanOrEqualTo(10 * 60);
            assertThat(window.getDistinct()).isLessThanOrEqualTo(window.getCount());
        }
        assertThat(window.getCount()).isLessThanOrEqualTo(10 * 60 + 5 * 60);
    }

    @Test
    void anEmptyValueLeavesTheWindowLikeAnyOther() {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", 0, 10 * MINUTE);

        window.addValue(0, "");
        window.addValue(20 * MINUTE, "root");

        assertThat(window.distinctValues()).containsExactly("root");
        assertThat(window.getDistinct()).isEqualTo(1);
    }
}
