package io.annexa.cluster;

import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetInventoryReader;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.register.policy.RegisterPolicyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * One Annexa cluster instance without the web server, for tests that run it in a JVM of its own and kill it: the node
 * the service's cluster mode runs ({@link ClusterNodes}), recording into the shared PostgreSQL register.
 *
 * <p>Settings are system properties named as the service's: {@code annexa.kafka.bootstrap-servers},
 * {@code annexa.kafka.topic-prefix}, {@code annexa.kafka.partitions}, {@code annexa.instance.id}, {@code annexa.db.url},
 * {@code annexa.db.user}, {@code annexa.db.password}, and {@code annexa.rules.dir} (default {@code rules}),
 * {@code annexa.rules.settings} (default {@code config/rules.yml}), {@code annexa.config.dir} (default {@code config},
 * for {@code register.yml} and {@code assets.yml}).
 *
 * <p>Every 500 ms it prints one status line to standard output, e.g.
 * {@code annexa-instance id=node-a running=true ready=true owned=0,1,2 rebuilding=}, which the tests parse; its log
 * goes to standard error. It stops when standard input closes, so it never outlives the test JVM that started it.
 */
public final class ClusterInstanceMain {

    private static final Logger LOG = Logger.getLogger(ClusterInstanceMain.class.getName());
    static final String STATUS_PREFIX = "annexa-instance ";

    private ClusterInstanceMain() {
    }

    public static void main(String[] args) throws Exception {
        ClusterSettings settings = new ClusterSettings(required("annexa.kafka.bootstrap-servers"),
                setting("annexa.kafka.topic-prefix").orElse(ClusterSettings.DEFAULT_PREFIX),
                Integer.parseInt(setting("annexa.kafka.partitions").orElse(Integer.toString(ClusterSettings.DEFAULT_PARTITIONS))),
                required("annexa.instance.id"));
        DatabaseSettings database = new DatabaseSettings(required("annexa.db.url"), setting("annexa.db.user").orElse("postgres"),
                setting("annexa.db.password").orElse(""));
        Path config = Path.of(setting("annexa.config.dir").orElse("config"));
        RuleLibrary library = RuleLibrary.load(Path.of(setting("annexa.rules.dir").orElse("rules")),
                Path.of(setting("annexa.rules.settings").orElse(config.resolve("rules.yml").toString())), ControlCatalog.load());
        RegisterPolicy policy = RegisterPolicyReader.read(config.resolve("register.yml"));
        AssetInventory inventory = AssetInventoryReader.read(config.resolve("assets.yml"));

        DatabaseMigrations.migrate(database);
        NonconformityRepository repository = NonconformityRepository.open(database);
        int partitions = ClusterNodes.ensureTopics(settings, library);
        ClusterNode node = ClusterNodes.recordingInto(
                new ClusterNodes.SharedRegister(repository, () -> policy, () -> inventory, ChangeJournal.NONE),
                settings, partitions, library, new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES),
                new ClusterNodes.Evaluating(Executors.defaultThreadFactory(), EventRetention.DEFAULT,
                        EvaluationEngine.DEFAULT_MAX_PENDING_EVENTS, EvaluationEngine.DEFAULT_MAX_PENDING_FACTS),
                changes -> changes.forEach(change -> LOG.info(() -> "nonconformity " + change.nonconformity().getId() + " "
                        + change.kind().name().toLowerCase() + ": " + change.nonconformity().getRuleId() + " on "
                        + change.nonconformity().getAsset())));
        node.start();
        LOG.info(() -> "instance " + settings.instanceId() + " started on " + settings.bootstrapServers() + ", " + partitions
                + " partitions");
        stopWhenStandardInputCloses(node, repository);
        Executors.newSingleThreadScheduledExecutor().scheduleAtFixedRate(() -> {
            String status = status(node);
            System.out.println(status);
            System.out.flush();
            System.err.println(status);
        }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static String status(ClusterNode node) {
        List<ClusterNode.PartitionStatus> owned = node.partitions();
        return STATUS_PREFIX + "id=" + node.instanceId() + " running=" + node.isRunning() + " ready=" + node.ready()
                + " owned=" + owned.stream().map(p -> Integer.toString(p.partition())).collect(Collectors.joining(","))
                + " rebuilding=" + owned.stream().filter(p -> !p.state().equals("live"))
                        .map(p -> Integer.toString(p.partition())).collect(Collectors.joining(","));
    }

    /** The test JVM holds the other end: when it goes, so does this instance, leaving the group and its leases. */
    private static void stopWhenStandardInputCloses(ClusterNode node, NonconformityRepository repository) {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent on standard input; it only tells that the parent is alive
                }
            } catch (java.io.IOException e) {
                LOG.warning("standard input failed: " + e);
            }
            LOG.info("standard input closed: stopping");
            node.close();
            repository.close();
            System.exit(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Optional<String> setting(String name) {
        return Optional.ofNullable(System.getProperty(name)).filter(value -> !value.isBlank());
    }

    private static String required(String name) {
        return setting(name).orElseThrow(() -> new IllegalArgumentException("-D" + name + " is required"));
    }
}
