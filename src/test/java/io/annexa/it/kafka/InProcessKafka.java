package io.annexa.it.kafka;

import io.annexa.ProjectFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One combined KRaft node (broker and controller) in the test JVM, from {@link KafkaClusterTestKit}. Use it as a
 * {@code @RegisterExtension static} field (started before the class's tests, closed after them) or start and close it
 * yourself. Its data lives under {@code target/kafka/} and is deleted on close; the broker's log goes to
 * {@link KafkaTestLogs} ({@code target/kafka/logs/}), keeping the test output readable.
 */
public final class InProcessKafka implements TestBroker, BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> brokerConfig = new LinkedHashMap<>(BrokerDefaults.singleNode());
    private KafkaClusterTestKit cluster;

    /** Adds or overrides a broker setting; only before {@link #start()}. */
    public InProcessKafka withBrokerConfig(Map<String, String> settings) {
        if (cluster != null) {
            throw new IllegalStateException("the broker is already running");
        }
        brokerConfig.putAll(settings);
        return this;
    }

    public InProcessKafka start() {
        if (cluster != null) {
            return this;
        }
        KafkaTestLogs.redirectToFile();
        Path baseDirectory = kafkaDirectory().resolve("in-process-" + UUID.randomUUID());
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDirectory)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerConfig.forEach(builder::setConfigProp);
            KafkaClusterTestKit started = builder.build();
            try {
                started.format();
                started.startup();
                started.waitForReadyBrokers();
            } catch (Exception | Error e) {
                started.close();
                throw e;
            }
            cluster = started;
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-process broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the in-process broker did not start", e);
        }
    }

    @Override
    public String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("the in-process broker did not close cleanly", e);
        } finally {
            cluster = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    static Path kafkaDirectory() {
        return ProjectFiles.root().resolve("target").resolve("kafka");
    }
}
