package io.annexa.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the cluster design takes from the KIP-848 consumer group protocol on the 4.3.1 broker: co-partitioned
 * assignment with the server-side range assignor and static members, and how fast a survivor takes over a gone
 * member's partitions.
 */
class ConsumerGroupProtocolTest {

    private static final Logger LOG = Logger.getLogger(ConsumerGroupProtocolTest.class.getName());
    private static final int SESSION_TIMEOUT_MS = 6_000;
    private static final int PARTITIONS = 12;

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka()
            .withBrokerConfig(BrokerDefaults.shortConsumerGroupSessions(SESSION_TIMEOUT_MS));

    private String events;
    private String state;
    private String group;

    @BeforeEach
    void twoTopicsWithTheSamePartitionCount() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        events = "events-" + run;
        state = "state-" + run;
        group = "group-" + run;
        KAFKA.createTopic(events, PARTITIONS);
        KAFKA.createTopic(state, PARTITIONS);
    }

    private final List<GroupMember> open = new java.util.ArrayList<>();

    @AfterEach
    void closeMembers() {
        open.forEach(GroupMember::close);
    }

    private GroupMember member(String instanceId, String assignor) {
        GroupMember member = GroupMember.join(KAFKA, group, instanceId, assignor, List.of(events, state));
        open.add(member);
        return member;
    }

    @Test
    void staticMembersWithTheRangeAssignorGetTheSamePartitionNumbersOfBothTopics() {
        GroupMember a = member("node-a", "range");
        GroupMember b = member("node-b", "range");

        awaitSplit(a, b);

        LOG.info(() -> "range assignment: a=" + a.partitionsOf(events) + "/" + a.partitionsOf(state)
                + " b=" + b.partitionsOf(events) + "/" + b.partitionsOf(state));
        assertThat(a.partitionsOf(events)).hasSize(PARTITIONS / 2).isEqualTo(a.partitionsOf(state));
        assertThat(b.partitionsOf(events)).hasSize(PARTITIONS / 2).isEqualTo(b.partitionsOf(state));
        assertThat(a.partitionsOf(events)).doesNotContainAnyElementsOf(b.partitionsOf(events));
    }

    @Test
    void aStaticMemberThatClosesKeepsItsPartitionsUntilItsSessionTimesOut() {
        GroupMember a = member("node-a", "range");
        GroupMember b = member("node-b", "range");
        awaitSplit(a, b);

        open.remove(b);
        long closed = System.nanoTime();
        b.close();
        Duration takeover = awaitAllPartitions(a);

        LOG.info(() -> "static member closed: survivor holds all partitions after " + takeover.toMillis() + " ms");
        // held for the session (a restarting node gets them back unmoved), then moved within a few heartbeats
        assertThat(takeover).isBetween(Duration.ofMillis(SESSION_TIMEOUT_MS - 1_000),
                Duration.ofMillis(SESSION_TIMEOUT_MS + 5_000));
    }

    @Test
    void aStaticMemberThatLeavesTheGroupOnCloseHandsOverAtOnce() {
        GroupMember a = member("node-a", "range");
        GroupMember b = member("node-b", "range");
        awaitSplit(a, b);

        open.remove(b);
        b.closeAndLeaveGroup();
        Duration takeover = awaitAllPartitions(a);

        LOG.info(() -> "static member left: survivor holds all partitions after " + takeover.toMillis() + " ms");
        assertThat(takeover).isLessThan(Duration.ofMillis(3_000));
    }

    @Test
    void aDynamicMemberThatClosesHandsOverAtOnce() {
        GroupMember a = member(null, "range");
        GroupMember b = member(null, "range");
        awaitSplit(a, b);

        open.remove(b);
        b.close();
        Duration takeover = awaitAllPartitions(a);

        LOG.info(() -> "dynamic member closed: survivor holds all partitions after " + takeover.toMillis() + " ms");
        assertThat(takeover).isLessThan(Duration.ofMillis(3_000));
    }

    @Test
    void aStaticMemberBackWithinItsSessionGetsItsOwnPartitionsBack() {
        GroupMember a = member("node-a", "range");
        GroupMember b = member("node-b", "range");
        awaitSplit(a, b);
        var before = b.partitionsOf(events);

        open.remove(b);
        b.close();
        GroupMember bAgain = member("node-b", "range");
        await().atMost(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 + 5)).pollInSameThread()
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    a.poll();
                    bAgain.poll();
                    return !bAgain.assignment().isEmpty();
                });

        assertThat(bAgain.partitionsOf(events)).isEqualTo(before).isEqualTo(bAgain.partitionsOf(state));
        assertThat(a.partitionsOf(events)).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aKilledStaticMembersPartitionsMoveWhenItsSessionTimesOut() throws Exception {
        GroupMember a = member("node-a", "range");
        Path output = KafkaTestLogs.directory().resolve("member-" + group + ".log");
        Process b = ChildJvm.start(InProcessKafka.kafkaDirectory().resolve("member-" + group), output, "-Xmx64m",
                List.of(ChildGroupMember.class.getName(), KAFKA.bootstrapServers(), group, "node-b", "range", events, state));
        try {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                a.poll();
                return a.assignment().size() == PARTITIONS && lastReportedAssignment(output) == PARTITIONS;
            });

            long killed = System.nanoTime();
            b.destroyForcibly();
            assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(b.exitValue()).as("SIGKILL").isEqualTo(137);
            awaitAllPartitions(a);
            Duration sinceKill = Duration.ofNanos(System.nanoTime() - killed);

            LOG.info(() -> "static member killed: survivor holds all partitions " + sinceKill.toMillis() + " ms after the kill");
            assertThat(sinceKill).isBetween(Duration.ofMillis(SESSION_TIMEOUT_MS - 1_000),
                    Duration.ofMillis(SESSION_TIMEOUT_MS + 5_000));
        } finally {
            b.destroyForcibly();
        }
    }

    /** The last {@code assigned <count>} line of a {@link ChildGroupMember}'s output (its log lines are mixed in). */
    private static int lastReportedAssignment(Path output) throws java.io.IOException {
        List<String> reports = Files.readAllLines(output).stream().filter(line -> line.startsWith("assigned ")).toList();
        return reports.isEmpty() ? -1 : Integer.parseInt(reports.get(reports.size() - 1).substring("assigned ".length()));
    }

    private void awaitSplit(GroupMember a, GroupMember b) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
            a.poll();
            b.poll();
            return a.assignment().size() == PARTITIONS && b.assignment().size() == PARTITIONS;
        });
        LOG.info(() -> "two members split 2 x " + PARTITIONS + " partitions after "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    private static Duration awaitAllPartitions(GroupMember survivor) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
            survivor.poll();
            return survivor.assignment().size() == 2 * PARTITIONS;
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
