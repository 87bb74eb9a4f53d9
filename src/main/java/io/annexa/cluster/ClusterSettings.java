package io.annexa.cluster;

import java.util.regex.Pattern;

/**
 * How one instance joins the cluster (settings {@code annexa.kafka.*} and {@code annexa.instance.id}).
 *
 * @param bootstrapServers Kafka's bootstrap servers, {@code host:port[,host:port…]}
 * @param topicPrefix      the topics are {@code <prefix>.evidence} and {@code <prefix>.events}
 * @param partitions       how many partitions the topics are created with; an existing topic keeps its own count, which
 *                         must be the same for both
 * @param instanceId       this instance's name in the consumer group (static membership: a restart under the same name is
 *                         not a rebalance) and in the partition leases
 * @param sessionTimeout   how long the group waits for a silent member (a crashed instance) before its partitions move:
 *                         set on the group ({@code consumer.session.timeout.ms}) when given, within the broker's bounds
 *                         ({@code group.consumer.min.session.timeout.ms}, 45 s unless lowered); empty: the broker's
 *                         {@code group.consumer.session.timeout.ms} (45 s by default)
 */
public record ClusterSettings(String bootstrapServers, String topicPrefix, int partitions, String instanceId,
                              java.util.Optional<java.time.Duration> sessionTimeout) {

    public static final String DEFAULT_PREFIX = "annexa";
    public static final int DEFAULT_PARTITIONS = 12;
    // Kafka's legal topic characters, less the prefix's separator-to-be
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public ClusterSettings(String bootstrapServers, String topicPrefix, int partitions, String instanceId) {
        this(bootstrapServers, topicPrefix, partitions, instanceId, java.util.Optional.empty());
    }

    public ClusterSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("annexa.kafka.bootstrap-servers is required when annexa.mode is cluster");
        }
        if (topicPrefix == null || !PREFIX.matcher(topicPrefix).matches()) {
            throw new IllegalArgumentException("annexa.kafka.topic-prefix must be 1 to 200 letters, digits, '_' or '-', not '"
                    + topicPrefix + "'");
        }
        if (partitions < 1 || partitions > 10_000) {
            throw new IllegalArgumentException("annexa.kafka.partitions must be between 1 and 10000, not " + partitions);
        }
        if (sessionTimeout == null) {
            sessionTimeout = java.util.Optional.empty();
        }
        if (sessionTimeout.filter(t -> t.toMillis() < 1_000 || t.toMillis() > 3_600_000).isPresent()) {
            throw new IllegalArgumentException("annexa.kafka.session-timeout must be between 1s and 1h, not " + sessionTimeout.get());
        }
        if (instanceId == null || !INSTANCE.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("annexa.instance.id must be 1 to 200 letters, digits, '.', '_' or '-', not '"
                    + instanceId + "'");
        }
    }

    public String evidenceTopic() {
        return topicPrefix + ".evidence";
    }

    public String eventsTopic() {
        return topicPrefix + ".events";
    }

    /** Rule folders and switches deployed through any instance, for all of them: one partition, compacted. */
    public String rulesTopic() {
        return topicPrefix + ".rules";
    }

    /** The consumer group all instances of one estate join. */
    public String groupId() {
        return topicPrefix + ".evaluation";
    }
}
