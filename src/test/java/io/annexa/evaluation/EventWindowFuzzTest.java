package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link EventWindow} against a model that recounts the window from scratch: after every event, in any arrival
 * order, the window holds exactly the events within {@code W} before the newest one; an event already older than
 * that on arrival is late and not counted. Times are drawn from a narrow range so that many events share a time
 * and many fall on the window's edge.
 */
class EventWindowFuzzTest {

    private static final long W = 20_000;
    private static final int THRESHOLD = 4;

    record Event(long at, String value, int weight) {
    }

    @Property(tries = 300)
    void anyOrderWithinTheWindowEndsInTheSortedOrdersState(@ForAll("events") List<Event> events, @ForAll long seed) {
        List<Event> sorted = events.stream().sorted(Comparator.comparingLong(Event::at)).toList();
        List<Event> shuffled = shuffledWithin(sorted, W, new Random(seed));

        EventWindow inOrder = feed(sorted);
        EventWindow outOfOrder = feed(shuffled);

        assertThat(stateOf(outOfOrder)).as("arrival order %s", shuffled).isEqualTo(stateOf(inOrder));
        assertThat(inOrder.getLate()).isZero();
    }

    @Property(tries = 300)
    void everyStepHoldsExactlyTheEventsWithinTheWindowOfTheNewest(@ForAll("events") List<Event> events, @ForAll long seed) {
        List<Event> arrival = new ArrayList<>(events);
        java.util.Collections.shuffle(arrival, new Random(seed));
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", arrival.get(0).at(), W);
        Model model = new Model();

        for (Event event : arrival) {
            window.addValue(event.at(), event.value(), event.weight());
            model.add(event);
            if (window.getCount() >= THRESHOLD && !window.isReported()) {
                window.markReported();
            }
            if (model.count() >= THRESHOLD && !model.reported) {
                model.reported = true;
            }

            assertThat(stateOf(window)).as("after %s of %s", event, arrival).isEqualTo(model.state());
            assertThat(window.isReported()).as("reported after %s of %s", event, arrival).isEqualTo(model.reported);
            assertThat(window.getLate()).isEqualTo(model.late);
            assertThat(window.retainedTimes()).as("kept times after %s", event)
                    .isEqualTo((int) model.inWindow().stream().mapToLong(Event::at).distinct().count());
            for (long probe = model.lastAt - W - 1_000; probe <= model.lastAt + 1_000; probe += 1_000) {
                assertThat(window.countAt(probe)).isEqualTo(model.countAt(probe));
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<Long> at = Arbitraries.longs().between(0, 60).map(s -> s * 1_000);
        Arbitrary<String> value = Arbitraries.of("root", "admin", "oracle", "").injectNull(0.3);
        Arbitrary<Integer> weight = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 3)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
        return Combinators.combine(at, value, weight).as(Event::new).list().ofMinSize(1).ofMaxSize(40);
    }

    /** Moves each event by up to {@code spread} either way in the arrival order, as senders with skewed delays do. */
    private static List<Event> shuffledWithin(List<Event> sorted, long spread, Random random) {
        record Arrival(Event event, long at) {
        }
        return sorted.stream()
                .map(e -> new Arrival(e, e.at() + random.nextLong(-spread, spread + 1)))
                .sorted(Comparator.comparingLong(Arrival::at))
                .map(Arrival::event)
                .toList();
    }

    private static EventWindow feed(List<Event> arrival) {
        EventWindow window = new EventWindow("r", "web1", "1.2.3.4", arrival.get(0).at(), W);
        arrival.forEach(e -> window.addValue(e.at(), e.value(), e.weight()));
        return window;
    }

    private static List<Object> stateOf(EventWindow window) {
        return List.of(window.getCount(), window.getDistinct(), window.distinctValues(), window.getFirstAt(),
                window.getLastAt(), window.countAt(window.getLastAt()));
    }

    /** The window recounted from every event it accepted, the plainest way. */
    private static final class Model {
        private final List<Event> accepted = new ArrayList<>();
        private long lastAt;
        private long late;
        private boolean reported;

        void add(Event event) {
            if (!accepted.isEmpty() && event.at() <= lastAt - W) {
                late++;
                return;
            }
            if (count() == 0 || event.at() - lastAt >= W) {
                reported = false;
            }
            lastAt = accepted.isEmpty() ? event.at() : Math.max(lastAt, event.at());
            accepted.add(event);
        }

        List<Event> inWindow() {
            return accepted.stream().filter(e -> e.at() > lastAt - W).toList();
        }

        int count() {
            return countAt(lastAt);
        }

        int countAt(long at) {
            long sum = inWindow().stream().filter(e -> e.at() > at - W && e.at() <= at).mapToLong(Event::weight).sum();
            return (int) Math.min(Integer.MAX_VALUE, sum);
        }

        List<Object> state() {
            List<String> values = inWindow().stream().map(Event::value).filter(Objects::nonNull).distinct().sorted().toList();
            long first = inWindow().stream().mapToLong(Event::at).min().orElseThrow();
            return List.of(count(), values.size(), values, first, lastAt, count());
        }
    }
}
