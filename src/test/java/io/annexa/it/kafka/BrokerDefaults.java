package io.annexa.it.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Broker settings both test brokers share: one node, so every replication factor is 1; groups start at once. */
final class BrokerDefaults {

    private BrokerDefaults() {
    }

    static Map<String, String> singleNode() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // topics come from the tests, never from a typo in a consumer's subscription
        config.put("auto.create.topics.enable", "false");
        return config;
    }

    /**
     * KIP-848 group timing shortened for failover tests: a member that stops heartbeating is dropped after
     * {@code sessionTimeoutMs}; members heartbeat every second, so a survivor hears of its new partitions within about
     * a second of the drop. The broker's defaults are 45 s (allowed 45-60 s) and 5 s.
     */
    static Map<String, String> shortConsumerGroupSessions(int sessionTimeoutMs) {
        return Map.of(
                "group.consumer.session.timeout.ms", Integer.toString(sessionTimeoutMs),
                "group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.max.session.timeout.ms", "60000",
                "group.consumer.heartbeat.interval.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "500");
    }
}
