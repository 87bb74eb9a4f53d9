package io.annexa.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partition's state kept in a compacted topic, written by an idempotent producer to explicit partitions, and
 * rebuilt by reading the partition from the beginning: a deletion (tombstone) must reach the reader.
 */
class CompactedStateTopicTest {

    private static final String TOPIC = "open-findings";
    private static final int PARTITION = 7;

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    @Test
    void aTombstoneWrittenToAnExplicitPartitionIsReadBackWhenThePartitionIsRebuilt() throws Exception {
        KAFKA.createTopic(TOPIC, 12, Map.of("cleanup.policy", "compact"));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, PARTITION, "host-1|sshd_root_login_disabled", "open")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(TOPIC, PARTITION, "host-2|sshd_root_login_disabled", "open")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(TOPIC, PARTITION, "host-1|sshd_root_login_disabled", null)).get(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> records = PartitionReader.readFromBeginning(KAFKA, TOPIC, PARTITION);
        Map<String, String> state = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.value() == null) {
                state.remove(record.key());
            } else {
                state.put(record.key(), record.value());
            }
        }

        assertThat(records).hasSize(3);
        assertThat(records.get(2).key()).isEqualTo("host-1|sshd_root_login_disabled");
        assertThat(records.get(2).value()).isNull();
        assertThat(state).containsOnlyKeys("host-2|sshd_root_login_disabled");
    }
}
