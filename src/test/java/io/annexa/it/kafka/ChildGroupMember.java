package io.annexa.it.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A static group member in its own JVM, for tests that kill it: it prints {@code assigned <count>} whenever its
 * assignment changes and polls until it is killed.
 * Arguments: bootstrap servers, group id, group instance id, remote assignor, topics...
 */
public final class ChildGroupMember {

    private ChildGroupMember() {
    }

    public static void main(String[] args) {
        List<String> topics = Arrays.asList(args).subList(4, args.length);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                GroupMember.config(args[0], args[1], args[2], args[3]), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(topics);
            Set<TopicPartition> reported = Set.of();
            while (true) {
                consumer.poll(Duration.ofMillis(100));
                if (!consumer.assignment().equals(reported)) {
                    reported = Set.copyOf(consumer.assignment());
                    System.out.println("assigned " + reported.size());
                    System.out.flush();
                }
            }
        }
    }
}
