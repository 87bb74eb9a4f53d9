package io.annexa.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.annexa.evaluation.RuleDraft;
import io.annexa.evaluation.RuleSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A rule deployed through one instance reaches all of them: the instance that took it (validated, written into its
 * rules folder) publishes the folder, or the switch, to the compacted {@code <prefix>.rules} topic; every instance reads
 * that topic from its beginning, writes what differs from its own rules folder and {@code config/rules.yml}, and
 * deploys, through the same deployer a local edit goes through. An instance started later catches up from the topic.
 */
public final class RuleBroadcast implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RuleBroadcast.class.getName());
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(4 * 1024 * 1024).build())
            .build();
    private static final String DRAFT = "draft:";
    private static final String ENABLED = "enabled:";

    private final ClusterSettings settings;
    private final Path rules;
    private final Path ruleSettings;
    private final Runnable deploy;
    private final Producer<String, byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean caughtUp;

    /** @param deploy builds the rules folder as it is now and puts it in service (the deployer's deploy) */
    public RuleBroadcast(ClusterSettings settings, Path rules, Path ruleSettings, Runnable deploy, ThreadFactory threads) {
        this.settings = settings;
        this.rules = rules;
        this.ruleSettings = ruleSettings;
        this.deploy = deploy;
        Properties producerProperties = KafkaEvidencePublisher.producerProperties(settings);
        producerProperties.put(org.apache.kafka.clients.producer.ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-rules");
        this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
        this.thread = threads.newThread(this::run);
        thread.setName("annexa-rule-broadcast");
    }

    public void start() {
        thread.start();
    }

    /** Publishes a rule folder this instance validated and wrote; returns once the broker has it. */
    public void publish(RuleDraft draft) {
        send(DRAFT + draft.id(), encode(draft));
    }

    /** Publishes a rule switched on or off on this instance. */
    public void publishEnabled(String ruleId, boolean enabled) {
        send(ENABLED + ruleId, Boolean.toString(enabled).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(settings.rulesTopic(), 0, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the other instances cannot be told of " + key + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void run() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-rules");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (Consumer<String, byte[]> reader = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = reader;
            TopicPartition partition = new TopicPartition(settings.rulesTopic(), 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    changed |= apply(record);
                }
                if (changed) {
                    deploy.run();
                }
                caughtUp = reader.position(partition) >= reader.endOffsets(List.of(partition)).get(partition);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "rule deployments of other instances are no longer taken in", e);
        }
    }

    /** @return true when the rules folder or rules.yml changed */
    boolean apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        try {
            if (key == null || record.value() == null) {
                return false;
            }
            if (key.startsWith(DRAFT)) {
                RuleDraft draft = decode(record.value());
                if (!draft.id().equals(key.substring(DRAFT.length()))) {
                    throw new IllegalArgumentException("key " + key + " names another rule than the folder " + draft.path());
                }
                if (RuleDraft.read(rules, draft.id()).filter(draft::equals).isPresent()) {
                    return false;
                }
                draft.writeInto(rules);
                LOG.info(() -> "rule " + draft.id() + " deployed through another instance: written into " + rules);
                return true;
            }
            if (key.startsWith(ENABLED)) {
                String id = key.substring(ENABLED.length());
                boolean on = Boolean.parseBoolean(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8).strip());
                RuleSettings current = RuleSettings.readForUpdate(ruleSettings);
                if (current.isEnabled(id) == on) {
                    return false;
                }
                current.withEnabled(id, on).write(ruleSettings);
                LOG.info(() -> "rule " + id + " switched " + (on ? "on" : "off") + " through another instance");
                return true;
            }
            throw new IllegalArgumentException("unknown key " + key);
        } catch (IOException | RuntimeException | RuleDraft.NotADraft e) {
            LOG.warning(() -> "rules record " + record.offset() + " (" + key + ") cannot be applied and is skipped: " + e.getMessage());
            return false;
        }
    }

    static byte[] encode(RuleDraft draft) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("path", draft.path());
            json.writeStringField("ruleYml", draft.ruleYml());
            json.writeStringField("drl", draft.drl());
            json.writeObjectFieldStart("scenarios");
            for (Map.Entry<String, String> scenario : draft.scenarios().entrySet()) {
                json.writeStringField(scenario.getKey(), scenario.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static RuleDraft decode(byte[] value) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> scenarios = new LinkedHashMap<>();
        try (JsonParser json = JSON.createParser(value)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                if (name.equals("scenarios")) {
                    expect(json.nextToken(), JsonToken.START_OBJECT);
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String file = json.currentName();
                        expect(json.nextToken(), JsonToken.VALUE_STRING);
                        scenarios.put(file, json.getText());
                    }
                } else {
                    expect(json.nextToken(), JsonToken.VALUE_STRING);
                    fields.put(name, json.getText());
                }
            }
        }
        return new RuleDraft(fields.get("path"), fields.get("ruleYml"), fields.get("drl"), scenarios);
    }

    private static void expect(JsonToken token, JsonToken expected) throws IOException {
        if (token != expected) {
            throw new IOException("expected " + expected + ", found " + token);
        }
    }

    /** Every deployment in the topic when last looked (every half second) was taken in. */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
