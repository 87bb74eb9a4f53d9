package io.annexa.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends what Kafka logs in the test JVM (in-process brokers and the tests' clients) to
 * {@code target/kafka/logs/test-jvm-kafka.log} instead of the test output.
 */
final class KafkaTestLogs {

    /** Held here: java.util.logging keeps loggers weakly, and a collected logger would lose its file handler. */
    private static final Logger[] KAFKA_LOGGERS = {
        Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"), Logger.getLogger("state.change.logger")
    };
    private static boolean redirected;

    private KafkaTestLogs() {
    }

    static Path directory() {
        return InProcessKafka.kafkaDirectory().resolve("logs");
    }

    static synchronized void redirectToFile() {
        if (redirected) {
            return;
        }
        try {
            Path logs = Files.createDirectories(directory());
            FileHandler file = new FileHandler(logs.resolve("test-jvm-kafka.log").toString(), true);
            file.setFormatter(new SimpleFormatter());
            for (Logger logger : KAFKA_LOGGERS) {
                logger.addHandler(file);
                logger.setUseParentHandlers(false);
            }
            redirected = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Kafka log file under " + directory(), e);
        }
    }
}
