package io.annexa.service;

import io.annexa.cluster.ClusterMembers;
import io.annexa.cluster.ClusterNode;
import io.annexa.cluster.ClusterNodes;
import io.annexa.cluster.ClusterSettings;
import io.annexa.cluster.ClusterTopics;
import io.annexa.cluster.EvidenceCodec;
import io.annexa.cluster.KafkaEvidencePublisher;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Annexa as one instance of several ({@code annexa.mode=cluster}): its sources publish to Kafka instead of evaluating
 * locally, it evaluates the partitions the consumer group gives it into the shared PostgreSQL register, and it tells the
 * others what it does through the {@code cluster_member} table.
 */
public final class ClusterMode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterMode.class.getName());
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final ClusterSettings settings;
    private final KafkaEvidencePublisher publisher;
    private final ClusterNode node;
    private final ClusterMembers members;
    private final ScheduledExecutorService heartbeat;
    private volatile io.annexa.cluster.RuleBroadcast rules;
    private final Instant started = Instant.now();
    private final int partitions;

    /** Reads {@code annexa.kafka.*} and {@code annexa.instance.id}; a wrong value stops the start with the setting named. */
    static ClusterSettings settings(Function<String, Optional<String>> setting, String hostName) {
        String partitions = setting.apply("annexa.kafka.partitions").orElse(Integer.toString(ClusterSettings.DEFAULT_PARTITIONS));
        try {
            return new ClusterSettings(setting.apply("annexa.kafka.bootstrap-servers").orElse(null),
                    setting.apply("annexa.kafka.topic-prefix").orElse(ClusterSettings.DEFAULT_PREFIX),
                    Integer.parseInt(partitions), setting.apply("annexa.instance.id").orElse(hostName));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("annexa.kafka.partitions must be a whole number, not '" + partitions + "'");
        }
    }

    /** The register is shared by every instance: an embedded database cannot be. */
    static void requireSharedDatabase(DatabaseSettings database) {
        if (!database.url().startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("annexa.mode=cluster needs the shared PostgreSQL register: set annexa.db.url to a "
                    + "jdbc:postgresql: URL (the embedded H2 database, " + database.url() + ", belongs to one instance)");
        }
    }

    ClusterMode(ClusterSettings settings, DatabaseSettings database, RuleLibrary library, NonconformityRepository repository,
                RegisterConfiguration registerConfig, ChangeJournal journal, ThreadFactory threads, EventRetention retention,
                int maxPendingEvents, int maxPendingFacts, Consumer<List<NonconformityRegister.Change>> recorded) {
        this.settings = settings;
        this.partitions = ClusterNodes.ensureTopics(settings, library);
        EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
        this.publisher = new KafkaEvidencePublisher(settings, partitions, codec);
        this.node = ClusterNodes.recordingInto(
                new ClusterNodes.SharedRegister(repository, registerConfig::policy, registerConfig::inventory, journal),
                settings, partitions, library, codec,
                new ClusterNodes.Evaluating(threads, retention, maxPendingEvents, maxPendingFacts), recorded);
        this.members = new ClusterMembers(database);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(threads);
    }

    void start() {
        node.start();
        heartbeat.scheduleWithFixedDelay(this::beat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(() -> "cluster mode: instance " + settings.instanceId() + " in group " + settings.groupId() + " on "
                + settings.bootstrapServers());
    }

    private void beat() {
        try {
            List<ClusterNode.PartitionStatus> owned = node.partitions();
            members.heartbeat(new ClusterMembers.Member(settings.instanceId(), node.library().contentHash(),
                    owned.stream().map(ClusterNode.PartitionStatus::partition).toList(),
                    owned.stream().filter(p -> !p.state().equals("live")).map(ClusterNode.PartitionStatus::partition).toList(),
                    owned.stream().mapToLong(p -> Math.max(0, p.lag())).sum(), node.ready(), started, Instant.now(), true));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot tell the cluster what this instance does; tried again in " + HEARTBEAT.toSeconds() + " s", e);
        }
    }

    /**
     * Starts taking in the rule deployments made through the other instances (and those made before this one started),
     * each written into {@code rulesDir} / {@code ruleSettings} and deployed with {@code deploy}.
     */
    void startRuleBroadcast(java.nio.file.Path rulesDir, java.nio.file.Path ruleSettings, Runnable deploy, ThreadFactory threads) {
        rules = new io.annexa.cluster.RuleBroadcast(settings, rulesDir, ruleSettings, deploy, threads);
        rules.start();
    }

    /** Where a rule deployed through this instance is published for the others. */
    public io.annexa.cluster.RuleBroadcast rules() {
        return rules;
    }

    KafkaEvidencePublisher publisher() {
        return publisher;
    }

    public ClusterNode node() {
        return node;
    }

    public ClusterMembers members() {
        return members;
    }

    /** How many partitions the topics have (those of existing topics, which may differ from annexa.kafka.partitions). */
    public int partitions() {
        return partitions;
    }

    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (rules != null) {
            rules.close();
        }
        node.close();
        publisher.close();
    }
}
