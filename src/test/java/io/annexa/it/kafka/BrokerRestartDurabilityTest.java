package io.annexa.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A broker killed with SIGKILL and started again on its log directory keeps what it acknowledged to acks=all. */
class BrokerRestartDurabilityTest {

    private static final Logger LOG = Logger.getLogger(BrokerRestartDurabilityTest.class.getName());
    private static final String TOPIC = "evidence";

    private final ChildProcessKafka kafka = new ChildProcessKafka();

    @AfterEach
    void stopBroker() {
        kafka.close();
    }

    @Test
    void anAcknowledgedRecordSurvivesKillNineAndAProducerWithRetriesSurvivesTheRestart() throws Exception {
        long started = System.nanoTime();
        kafka.start();
        LOG.info(() -> "child broker ready after " + millisSince(started) + " ms");
        kafka.createTopic(TOPIC, 3);

        try (KafkaProducer<String, String> producer = producer()) {
            RecordMetadata before = producer.send(new ProducerRecord<>(TOPIC, 1, "host-1", "before the kill"))
                    .get(30, TimeUnit.SECONDS);

            int exit = kafka.killHard();
            assertThat(exit).as("exit value of a JVM ended by SIGKILL").isEqualTo(137);

            // send() itself may block (up to max.block.ms) while the client has no metadata: not on the test thread
            long sent = System.nanoTime();
            CompletableFuture<Future<RecordMetadata>> whileDown = CompletableFuture.supplyAsync(() -> {
                Future<RecordMetadata> result = producer.send(new ProducerRecord<>(TOPIC, 1, "host-1", "while down"));
                LOG.info(() -> "send() returned after " + millisSince(sent) + " ms");
                return result;
            });

            long restarted = System.nanoTime();
            kafka.restart();
            LOG.info(() -> "child broker ready again after " + millisSince(restarted) + " ms");
            RecordMetadata after = whileDown.get(150, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
            LOG.info(() -> "record sent while the broker was down acknowledged " + millisSince(sent) + " ms after send()");

            assertThat(after.partition()).isEqualTo(1);
            assertThat(after.offset()).isEqualTo(before.offset() + 1);
        }

        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> record : PartitionReader.readFromBeginning(kafka, TOPIC, 1)) {
            values.add(record.value());
        }
        assertThat(values).containsExactly("before the kill", "while down");
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // retries are unbounded by default; the delivery timeout bounds how long a record may wait for the broker
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000,
                // send() blocks while the producer has no metadata for the topic, i.e. until the broker is back
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 150_000,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500),
                new StringSerializer(), new StringSerializer());
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
