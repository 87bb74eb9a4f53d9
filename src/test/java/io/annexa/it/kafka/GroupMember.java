package io.annexa.it.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A KIP-848 consumer group member ({@code group.protocol=consumer}) for tests about assignment. It reconciles its
 * assignment only inside {@link #poll()}, so tests call that in their wait loops; one thread at a time.
 */
final class GroupMember implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;

    private GroupMember(Map<String, Object> config, List<String> topics) {
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(topics);
    }

    /**
     * @param instanceId the static member id ({@code group.instance.id}), or null for a dynamic member
     * @param assignor the server-side assignor ({@code group.remote.assignor}: "range" or "uniform"), or null for
     *                 the broker's default
     */
    static GroupMember join(TestBroker broker, String groupId, String instanceId, String assignor, List<String> topics) {
        return new GroupMember(config(broker.bootstrapServers(), groupId, instanceId, assignor), topics);
    }

    static Map<String, Object> config(String bootstrapServers, String groupId, String instanceId, String assignor) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (instanceId != null) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        if (assignor != null) {
            config.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
        }
        return config;
    }

    void poll() {
        consumer.poll(Duration.ofMillis(50));
    }

    Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    /** The partition numbers this member holds of one topic. */
    SortedSet<Integer> partitionsOf(String topic) {
        return assignment().stream().filter(p -> p.topic().equals(topic)).map(TopicPartition::partition)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Closes the way a shutting-down node does by default (a static member stays in the group until its session ends). */
    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }

    /** Closes and leaves the group for good, also as a static member (KIP-1092). */
    void closeAndLeaveGroup() {
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
    }
}
