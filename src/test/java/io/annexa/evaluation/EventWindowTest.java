package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
