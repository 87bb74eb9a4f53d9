package io.annexa.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the two topics when they are missing and checks that they can be used together: both partitioned alike,
 * because an asset's evidence and events must land in partitions of the same number.
 */
public final class ClusterTopics {

    /** Largest record value: a host snapshot or a batch of events, compressed by the producer. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
    private static final long TIMEOUT_SECONDS = 30;

    private ClusterTopics() {
    }

    /**
     * @param eventRetention how long the events topic keeps events: at least twice the longest window a rule uses, so a
     *                       partition can always be rebuilt from {@code now − longest window}
     * @return the partition count both topics have
     */
    public static int ensure(Admin admin, ClusterSettings settings, Duration eventRetention) {
        try {
            create(admin, new NewTopic(settings.evidenceTopic(), settings.partitions(), (short) -1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES))));
            create(admin, new NewTopic(settings.eventsTopic(), settings.partitions(), (short) -1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(eventRetention.toMillis()),
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES))));
            create(admin, new NewTopic(settings.rulesTopic(), 1, (short) -1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES))));
            Map<String, TopicDescription> topics = described(admin, List.of(settings.evidenceTopic(), settings.eventsTopic()));
            int evidence = topics.get(settings.evidenceTopic()).partitions().size();
            int events = topics.get(settings.eventsTopic()).partitions().size();
            if (evidence != events) {
                throw new IllegalStateException("topics " + settings.evidenceTopic() + " (" + evidence + " partitions) and "
                        + settings.eventsTopic() + " (" + events + ") must have as many partitions: an asset's evidence and "
                        + "events are evaluated together only if they land in partitions of the same number");
            }
            settings.sessionTimeout().ifPresent(timeout -> sessionTimeout(admin, settings, timeout));
            return evidence;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the cluster's topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create or describe the topics " + settings.evidenceTopic() + " and "
                    + settings.eventsTopic() + " on " + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The group's own session timeout, and a heartbeat a sixth of it so that a few lost heartbeats are not a failure.
     * The broker refuses values outside its bounds: the start then stops, naming the broker settings to lower.
     */
    private static void sessionTimeout(Admin admin, ClusterSettings settings, Duration timeout) {
        long heartbeat = Math.max(500, timeout.toMillis() / 6);
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, settings.groupId());
        try {
            admin.incrementalAlterConfigs(Map.of(group, List.of(
                    new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", Long.toString(timeout.toMillis())), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("consumer.heartbeat.interval.ms", Long.toString(heartbeat)), AlterConfigOp.OpType.SET))))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the group's session timeout", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("annexa.kafka.session-timeout=" + timeout.toMillis() + " ms (heartbeat " + heartbeat
                    + " ms) was refused for group " + settings.groupId() + ": " + (e.getCause() == null ? e : e.getCause().getMessage())
                    + ". The broker's group.consumer.min.session.timeout.ms and group.consumer.min.heartbeat.interval.ms bound it", e);
        }
    }

    /** Topics just created may take a moment to be known to every broker: asked again until they are, for a while. */
    private static Map<String, TopicDescription> described(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void create(Admin admin, NewTopic topic) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(Set.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
