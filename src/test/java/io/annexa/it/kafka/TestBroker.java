package io.annexa.it.kafka;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A Kafka broker a test talks to: its address and the topics the test needs. */
public interface TestBroker extends AutoCloseable {

    String bootstrapServers();

    /** An admin client on this broker; the caller closes it. */
    default Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** Creates the topic with replication factor 1 (a single broker) and waits until the broker confirms it. */
    default void createTopic(String name, int partitions, Map<String, String> topicConfig) {
        try (Admin admin = admin()) {
            admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1).configs(topicConfig)))
                    .all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("topic " + name + " could not be created", e.getCause());
        }
    }

    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }
}
