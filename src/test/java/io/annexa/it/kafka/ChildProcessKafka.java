package io.annexa.it.kafka;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (broker and controller roles) in a child JVM started from the test class path, for
 * tests that kill it. The ports are chosen once, at the first start, and kept across restarts, as is the log
 * directory under {@code target/kafka/}; the child's output goes to {@code target/kafka/logs/child-<id>.log},
 * the test JVM's Kafka clients log to {@link KafkaTestLogs}.
 */
public final class ChildProcessKafka implements TestBroker {

    // a restart recovers every log left unflushed by SIGKILL: over a minute on a busy 2-core machine
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    private final String id = "child-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path directory = InProcessKafka.kafkaDirectory().resolve(id);
    private final Path logFile = KafkaTestLogs.directory().resolve(id + ".log");
    private final Map<String, String> brokerConfig = new LinkedHashMap<>(BrokerDefaults.singleNode());
    private int brokerPort;
    private Process process;

    /** Adds or overrides a broker setting; only before the first {@link #start()}. */
    public ChildProcessKafka withBrokerConfig(Map<String, String> settings) {
        if (brokerPort != 0) {
            throw new IllegalStateException("the broker has already been configured and started");
        }
        brokerConfig.putAll(settings);
        return this;
    }

    /** Formats the log directory, starts the broker and returns once it answers a describe-cluster request. */
    public ChildProcessKafka start() {
        if (brokerPort != 0) {
            throw new IllegalStateException("already started once; use restart()");
        }
        KafkaTestLogs.redirectToFile();
        try {
            Files.createDirectories(directory);
            Files.createDirectories(logFile.getParent());
            brokerPort = freePort();
            int controllerPort = freePort();
            while (controllerPort == brokerPort) {
                controllerPort = freePort();
            }
            writeServerProperties(controllerPort);
            Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", serverProperties().toString(), "--standalone"), "-Xmx128m");
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the log directory failed; see " + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting " + directory, e);
        }
        launch();
        return this;
    }

    @Override
    public String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("the broker was never started");
        }
        return "127.0.0.1:" + brokerPort;
    }

    /** The running broker JVM, for tests that look at how it ended. */
    public Process process() {
        return process;
    }

    /**
     * Kills the broker JVM without letting it shut down: {@link Process#destroyForcibly()} sends SIGKILL on Linux
     * (the exit value is then 137 = 128 + 9), nothing is flushed or closed.
     *
     * @return the exit value
     */
    public int killHard() {
        requireRunning();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker JVM did not die within 30 s of SIGKILL");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the broker", e);
        }
    }

    /** Starts the broker again on the same log directory and the same ports, after {@link #killHard()} or close. */
    public ChildProcessKafka restart() {
        if (brokerPort == 0) {
            throw new IllegalStateException("never started; use start()");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        launch();
        return this;
    }

    /** Stops the broker gracefully (SIGTERM, so it closes its logs), killing it if it takes longer than 30 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public Path logFile() {
        return logFile;
    }

    private void launch() {
        process = java(List.of("kafka.Kafka", serverProperties().toString()), "-Xmx384m");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker JVM exited with " + process.exitValue() + "; see " + logFile);
                }
                return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes()
                        .get(3, TimeUnit.SECONDS).isEmpty();
            });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private Process java(List<String> mainAndArguments, String heap) {
        return ChildJvm.start(directory, logFile, heap, mainAndArguments);
    }

    private void writeServerProperties(int controllerPort) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("process.roles", "broker,controller");
        properties.setProperty("node.id", "1");
        properties.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        properties.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.setProperty("inter.broker.listener.name", "PLAINTEXT");
        properties.setProperty("controller.listener.names", "CONTROLLER");
        properties.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        properties.setProperty("log.dirs", directory.resolve("data").toString());
        brokerConfig.forEach(properties::setProperty);
        try (var out = Files.newBufferedWriter(serverProperties(), StandardCharsets.UTF_8)) {
            properties.store(out, "single-node KRaft broker for " + id);
        }
    }

    private Path serverProperties() {
        return directory.resolve("server.properties");
    }

    private void requireRunning() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("the broker is not running");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
