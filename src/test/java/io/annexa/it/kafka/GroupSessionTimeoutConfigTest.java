package io.annexa.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With KIP-848 the session timeout is not a consumer setting: it is the broker's default
 * ({@code group.consumer.session.timeout.ms}) or a per-group override ({@code consumer.session.timeout.ms}, set
 * with the admin client) within the broker's min/max bounds. A broker with the 45 s default and a lowered minimum
 * lets one group fail over fast.
 */
class GroupSessionTimeoutConfigTest {

    private static final Logger LOG = Logger.getLogger(GroupSessionTimeoutConfigTest.class.getName());
    private static final int GROUP_SESSION_TIMEOUT_MS = 4_000;

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka().withBrokerConfig(Map.of(
            "group.consumer.min.session.timeout.ms", "1000",
            "group.consumer.min.heartbeat.interval.ms", "500"));

    @Test
    void aPerGroupSessionTimeoutBelowTheBrokerDefaultBoundsTheTakeoverOfAClosedStaticMember() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "events-" + run;
        String group = "group-" + run;
        KAFKA.createTopic(topic, 4);
        try (Admin admin = KAFKA.admin()) {
            ConfigResource groupResource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(groupResource, List.of(
                    new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", Integer.toString(GROUP_SESSION_TIMEOUT_MS)), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("consumer.heartbeat.interval.ms", "1000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }

        try (GroupMember a = GroupMember.join(KAFKA, group, "node-a", "range", List.of(topic))) {
            GroupMember b = GroupMember.join(KAFKA, group, "node-b", "range", List.of(topic));
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                a.poll();
                b.poll();
                return a.assignment().size() == 2 && b.assignment().size() == 2;
            });

            long closed = System.nanoTime();
            b.close();
            await().atMost(Duration.ofSeconds(40)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                a.poll();
                return a.assignment().size() == 4;
            });
            Duration takeover = Duration.ofNanos(System.nanoTime() - closed);

            LOG.info(() -> "per-group session timeout " + GROUP_SESSION_TIMEOUT_MS + " ms: takeover after " + takeover.toMillis() + " ms");
            assertThat(takeover).isBetween(Duration.ofMillis(GROUP_SESSION_TIMEOUT_MS - 1_000),
                    Duration.ofMillis(GROUP_SESSION_TIMEOUT_MS + 5_000));
        }
    }

    @Test
    void theConsumerRefusesASessionTimeoutOfItsOwn() {
        Map<String, Object> config = new HashMap<>(GroupMember.config(KAFKA.bootstrapServers(), "any", "node-a", "range"));
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);

        assertThatThrownBy(() -> new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("session.timeout.ms cannot be set when group.protocol=CONSUMER");
    }
}
