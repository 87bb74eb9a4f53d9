package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertGrouperTest {

    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    AlertRouting routing;

    AlertRouting routing(String yaml) throws Exception {
        Path file = dir.resolve("alerts-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        return AlertRouting.read(file, "alerts.yml");
    }

    @BeforeEach
    void readRouting() throws Exception {
        routing = routing("""
                receivers:
                  - {name: isms, email: {to: [isms@example.org]}}
                  - {name: secops, email: {to: [secops@example.org]}}
                route:
                  receiver: isms
                  group_by: [asset]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 24h
                  routes:
                    - matchers: ['event = "incident.detected"']
                      receiver: secops
                      group_wait: 0s
                """);
    }

    static int ids;

    static AlertEvent event(String type, String asset, long nonconformity) {
        return new AlertEvent("evt-" + (++ids), type, T0, Map.of("event", type, "asset", asset, "grade", "major"),
                new AlertSubject(nonconformity, "sshd_root_login_disabled", "Root login disabled", "8.5", "A.8.5", List.of(),
                        "", "major", "high", "open", asset, "", "", T0, T0, "https://annexa.example/nc/" + nonconformity));
    }

    static AlertEvent opened(String asset, long nonconformity) {
        return event("nonconformity.opened", asset, nonconformity);
    }

    @Test
    void aBurstOfAHundredFindingsOnOneHostBecomesOneNotification() {
        AlertGrouper grouper = new AlertGrouper(routing);
        for (int i = 0; i < 100; i++) {
            grouper.add(opened("web-1", 1000 + i), T0.plusMillis(i * 100L));
        }

        assertThat(grouper.due(T0.plusSeconds(29))).isEmpty();
        List<Notification> sent = grouper.due(T0.plusSeconds(30));

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).receiver()).isEqualTo("isms");
        assertThat(sent.get(0).groupKey()).isEqualTo("0/isms/{asset=\"web-1\"}");
        assertThat(sent.get(0).events()).hasSize(100);
        assertThat(grouper.due(T0.plusSeconds(31))).isEmpty();
    }

    @Test
    void eachHostIsItsOwnGroup() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        grouper.add(opened("db-1", 2), T0.plusSeconds(10));

        assertThat(grouper.due(T0.plusSeconds(30))).extracting(Notification::groupKey).containsExactly("0/isms/{asset=\"web-1\"}");
        assertThat(grouper.nextDue()).contains(T0.plusSeconds(40));
        assertThat(grouper.due(T0.plusSeconds(40))).extracting(Notification::groupKey).containsExactly("0/isms/{asset=\"db-1\"}");
        assertThat(grouper.nextDue()).isEmpty();
    }

    @Test
    void groupWaitZeroIsDueAtOnce() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(event("incident.detected", "web-1", 7), T0);

        assertThat(grouper.nextDue()).contains(T0);
        assertThat(grouper.due(T0)).singleElement().satisfies(n -> {
            assertThat(n.receiver()).isEqualTo("secops");
            assertThat(n.events()).extracting(AlertEvent::type).containsExactly("incident.detected");
        });
    }

    @Test
    void aGroupDueSoonerThanThoseWaitingIsSentFirst() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        assertThat(grouper.due(T0.plusSeconds(5))).isEmpty();

        grouper.add(event("incident.detected", "db-1", 2), T0.plusSeconds(10));

        assertThat(grouper.nextDue()).contains(T0.plusSeconds(10));
        assertThat(grouper.due(T0.plusSeconds(10))).extracting(Notification::receiver).containsExactly("secops");
        assertThat(grouper.due(T0.plusSeconds(30))).extracting(Notification::receiver).containsExactly("isms");
    }

    @Test
    void laterEventsOfAGroupWaitForTheGroupInterval() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        assertThat(grouper.due(T0.plusSeconds(30))).hasSize(1);

        grouper.add(opened("web-1", 2), T0.plusSeconds(60));
        grouper.add(opened("web-1", 3), T0.plusSeconds(120));

        assertThat(grouper.nextDue()).contains(T0.plusSeconds(30).plus(Duration.ofMinutes(5)));
        assertThat(grouper.due(T0.plusSeconds(329))).isEmpty();
        assertThat(grouper.due(T0.plusSeconds(330))).singleElement()
                .satisfies(n -> assertThat(n.events()).extracting(e -> e.subject().nonconformityId()).containsExactly(2L, 3L));
    }

    @Test
    void aGroupQuietForAWholeIntervalStartsAgainWithGroupWait() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        grouper.due(T0.plusSeconds(30));

        Instant later = T0.plus(Duration.ofHours(1));
        grouper.add(opened("web-1", 2), later);

        assertThat(grouper.nextDue()).contains(later.plusSeconds(30));
        assertThat(grouper.due(later.plusSeconds(30))).hasSize(1);
    }

    @Test
    void theSameNonconformityAndEventTypeIsNotRepeatedWithinTheRepeatInterval() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(event("nonconformity.escalated", "web-1", 1), T0);
        assertThat(grouper.due(T0.plusSeconds(30))).hasSize(1);

        // escalated again, and another event type of the same nonconformity, within 24h
        grouper.add(event("nonconformity.escalated", "web-1", 1), T0.plus(Duration.ofHours(2)));
        grouper.add(event("nonconformity.resolved", "web-1", 1), T0.plus(Duration.ofHours(2)));
        assertThat(grouper.due(T0.plus(Duration.ofHours(3)))).singleElement()
                .satisfies(n -> assertThat(n.events()).extracting(AlertEvent::type).containsExactly("nonconformity.resolved"));

        // once the interval has passed it is told again
        grouper.add(event("nonconformity.escalated", "web-1", 1), T0.plus(Duration.ofHours(25)));
        assertThat(grouper.due(T0.plus(Duration.ofHours(26)))).singleElement()
                .satisfies(n -> assertThat(n.events()).extracting(AlertEvent::type).containsExactly("nonconformity.escalated"));
    }

    @Test
    void aNotificationWhoseEventsWereAllToldAlreadyIsNotEmitted() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        grouper.due(T0.plusSeconds(30));

        grouper.add(opened("web-1", 1), T0.plusSeconds(60));

        assertThat(grouper.due(T0.plus(Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void eventsWithoutANonconformityAreTheSameWhenTypeAndLabelsAre() {
        AlertGrouper grouper = new AlertGrouper(routing);
        AlertEvent gap = new AlertEvent("evt-gap-1", "monitoring.gap", T0, Map.of("event", "monitoring.gap", "asset", "web-1"), null);
        AlertEvent sameGap = new AlertEvent("evt-gap-2", "monitoring.gap", T0, Map.of("event", "monitoring.gap", "asset", "web-1"), null);
        AlertEvent otherRule = new AlertEvent("evt-gap-3", "monitoring.gap", T0,
                Map.of("event", "monitoring.gap", "asset", "web-1", "rule", "x"), null);
        grouper.add(gap, T0);
        grouper.add(sameGap, T0.plusSeconds(1));
        grouper.add(otherRule, T0.plusSeconds(2));

        assertThat(grouper.due(T0.plusSeconds(30))).singleElement()
                .satisfies(n -> assertThat(n.events()).extracting(AlertEvent::id).containsExactly("evt-gap-1", "evt-gap-3"));
    }

    @Test
    void anEventAddedTwiceIsSentOnce() {
        AlertGrouper grouper = new AlertGrouper(routing);
        AlertEvent event = opened("web-1", 1);
        grouper.add(event, T0);
        grouper.add(event, T0.plusSeconds(1));

        assertThat(grouper.due(T0.plusSeconds(30))).singleElement().satisfies(n -> assertThat(n.events()).hasSize(1));
    }

    @Test
    void continuingRoutesNotifyEachReceiverOnce() throws Exception {
        AlertGrouper grouper = new AlertGrouper(routing("""
                receivers:
                  - {name: isms, email: {to: [isms@example.org]}}
                  - {name: secops, email: {to: [secops@example.org]}}
                route:
                  receiver: isms
                  group_wait: 0s
                  routes:
                    - {matchers: ['grade = "major"'], receiver: secops, continue: true}
                    - {matchers: ['asset = "web-1"'], receiver: isms, continue: true}
                    - {matchers: ['asset =~ "web-.*"'], receiver: isms}
                """));
        grouper.add(opened("web-1", 1), T0);

        assertThat(grouper.due(T0)).extracting(Notification::receiver).containsExactly("secops", "isms");
    }

    @Test
    void anEmptyRoutingKeepsNothing() {
        AlertGrouper grouper = new AlertGrouper(AlertRouting.empty());
        grouper.add(opened("web-1", 1), T0);

        assertThat(grouper.nextDue()).isEmpty();
        assertThat(grouper.due(T0.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void reconfiguringRoutesWaitingEventsAnewWithoutDelayingThem() throws Exception {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        grouper.add(opened("db-1", 2), T0.plusSeconds(10));

        grouper.reconfigure(routing("""
                receivers:
                  - {name: isms, email: {to: [isms@example.org]}}
                  - {name: platform, email: {to: [platform@example.org]}}
                route:
                  receiver: platform
                  group_wait: 1m
                """));

        // both now fall in the one group of the new root; it is due when the earlier of the old groups was
        assertThat(grouper.nextDue()).contains(T0.plusSeconds(30));
        assertThat(grouper.due(T0.plusSeconds(30))).singleElement().satisfies(n -> {
            assertThat(n.receiver()).isEqualTo("platform");
            assertThat(n.groupKey()).isEqualTo("0/platform/{}");
            assertThat(n.events()).extracting(e -> e.labels().get("asset")).containsExactly("web-1", "db-1");
        });
    }

    @Test
    void reconfiguringToNoReceiversDropsWhatWaits() {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);

        grouper.reconfigure(AlertRouting.empty());

        assertThat(grouper.nextDue()).isEmpty();
        assertThat(grouper.due(T0.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void whatWasToldIsRememberedAcrossAReconfiguration() throws Exception {
        AlertGrouper grouper = new AlertGrouper(routing);
        grouper.add(opened("web-1", 1), T0);
        grouper.due(T0.plusSeconds(30));

        grouper.reconfigure(routing);
        grouper.add(opened("web-1", 1), T0.plusSeconds(60));

        assertThat(grouper.due(T0.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void manyGroupsFallDueInTimeOrderAndThoseDueTogetherInTheOrderTheyBegan() {
        // 2,000 hosts, each with a first event in the first 10 minutes (whole seconds, so many groups are due at once),
        // half of them a second one while their group is notified and idle, a quarter a third one after it ended
        record Timed(Instant at, String asset) {
        }
        Random random = new Random(20261204);
        List<String> assets = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            assets.add("host-" + i);
        }
        Collections.shuffle(assets, random);
        List<Timed> events = new ArrayList<>();
        for (int i = 0; i < assets.size(); i++) {
            Instant first = T0.plusSeconds(random.nextInt(600));
            events.add(new Timed(first, assets.get(i)));
            if (i % 2 == 0) {
                events.add(new Timed(first.plusSeconds(100), assets.get(i)));
            }
            if (i % 4 == 0) {
                events.add(new Timed(first.plusSeconds(1_000), assets.get(i)));
            }
        }
        events.sort(Comparator.comparing(Timed::at));

        // expected: a new group is sent 30 s (group_wait) after the event that began it; the second event goes
        // 5 min (group_interval) after that notification, in the same group; the third begins a new group
        record Expected(Instant at, String asset, int begunBy) {
        }
        List<Expected> expected = new ArrayList<>();
        Map<String, Integer> firstIndex = new java.util.HashMap<>();
        Map<String, Instant> firstAt = new java.util.HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Timed e = events.get(i);
            Integer begun = firstIndex.putIfAbsent(e.asset(), i);
            if (begun == null) {
                firstAt.put(e.asset(), e.at());
                expected.add(new Expected(e.at().plusSeconds(30), e.asset(), i));
            } else if (e.at().equals(firstAt.get(e.asset()).plusSeconds(100))) {
                expected.add(new Expected(firstAt.get(e.asset()).plusSeconds(330), e.asset(), begun));
            } else {
                expected.add(new Expected(e.at().plusSeconds(30), e.asset(), i));
            }
        }
        expected.sort(Comparator.comparing(Expected::at).thenComparingInt(Expected::begunBy));

        AlertGrouper grouper = new AlertGrouper(routing);
        List<Expected> sent = new ArrayList<>();
        int next = 0;
        long nonconformity = 0;
        Instant lastDue = Instant.MIN;
        while (next < events.size() || grouper.nextDue().isPresent()) {
            Instant due = grouper.nextDue().orElse(Instant.MAX);
            if (next < events.size() && events.get(next).at().isBefore(due)) {
                Timed e = events.get(next++);
                grouper.add(opened(e.asset(), ++nonconformity), e.at());
                continue;
            }
            assertThat(due).as("nextDue never goes back in time").isAfterOrEqualTo(lastDue);
            lastDue = due;
            for (Notification n : grouper.due(due)) {
                String asset = n.events().get(0).labels().get("asset");
                sent.add(new Expected(due, asset, 0));
            }
        }

        assertThat(sent).hasSize(expected.size());
        assertThat(sent).extracting(s -> s.at() + " " + s.asset())
                .containsExactlyElementsOf(expected.stream().map(e -> e.at() + " " + e.asset()).toList());
        assertThat(grouper.due(T0.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(grouper.groupCount()).as("every group has ended").isZero();
    }
}
