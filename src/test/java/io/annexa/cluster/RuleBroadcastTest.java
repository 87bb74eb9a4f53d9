package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evaluation.RuleDraft;
import io.annexa.evaluation.RuleSettings;
import io.annexa.it.kafka.InProcessKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule written or switched through one instance reaches the others: each writes it into its own rules folder and
 * rules.yml and deploys; an instance started later catches up from the topic; what an instance already has is not
 * written or deployed again.
 */
class RuleBroadcastTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String RULE = "technological/c8_05_secure_authentication/sshd_empty_passwords_disabled";
    private static InProcessKafka kafka;

    @TempDir
    Path home;

    @BeforeAll
    static void broker() {
        kafka = new InProcessKafka().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void aRuleDeployedThroughOneInstanceIsWrittenAndDeployedByTheOthersAndByOneStartedLater() throws Exception {
        ClusterSettings settings = new ClusterSettings(kafka.bootstrapServers(), "r" + UUID.randomUUID().toString().substring(0, 8), 3, "a");
        try (var admin = kafka.admin()) {
            ClusterTopics.ensure(admin, settings, Duration.ofDays(1));
        }
        Instance a = new Instance(settings, "a");
        Instance b = new Instance(settings, "b");
        RuleDraft draft = RuleDraft.read(Path.of("rules"), "sshd_empty_passwords_disabled").orElseThrow();
        RuleDraft edited = new RuleDraft(draft.path(), draft.ruleYml().replace("title: ", "title: Edited: "), draft.drl(), draft.scenarios());

        // a wrote them into its own folder and rules.yml (as PUT /api/rules/{id} and /enabled do), then publishes them
        edited.writeInto(a.rules);
        a.broadcast.publish(edited);
        RuleSettings.readForUpdate(a.settings).withEnabled("sshd_password_authentication_disabled", false).write(a.settings);
        a.broadcast.publishEnabled("sshd_password_authentication_disabled", false);

        await().atMost(DEADLINE).until(() -> b.deployed.get() >= 1
                && RuleDraft.read(b.rules, "sshd_empty_passwords_disabled").filter(edited::equals).isPresent()
                && !RuleSettings.readForUpdate(b.settings).isEnabled("sshd_password_authentication_disabled"));
        assertThat(Files.readString(b.rules.resolve(RULE).resolve("rule.yml"))).contains("title: Edited: ");

        Instance later = new Instance(settings, "c");
        await().atMost(DEADLINE).until(() -> later.deployed.get() >= 1
                && RuleDraft.read(later.rules, "sshd_empty_passwords_disabled").filter(edited::equals).isPresent()
                && !RuleSettings.readForUpdate(later.settings).isEnabled("sshd_password_authentication_disabled"));
        // a already had both: read back, nothing differs, nothing deployed
        await().atMost(DEADLINE).until(() -> a.appliedAll());
        assertThat(a.deployed.get()).isZero();
        a.close();
        b.close();
        later.close();
    }

    /** One instance's rules folder and rules.yml (copies of the project's) and its broadcast. */
    private final class Instance implements AutoCloseable {
        final Path rules;
        final Path settings;
        final AtomicInteger deployed = new AtomicInteger();
        final RuleBroadcast broadcast;

        Instance(ClusterSettings cluster, String id) throws Exception {
            Path root = Files.createDirectories(home.resolve(id));
            rules = root.resolve("rules");
            copy(Path.of("rules"), rules);
            settings = Files.copy(Path.of("config", "rules.yml"), root.resolve("rules.yml"));
            broadcast = new RuleBroadcast(new ClusterSettings(cluster.bootstrapServers(), cluster.topicPrefix(), cluster.partitions(), id),
                    rules, settings, deployed::incrementAndGet, Executors.defaultThreadFactory());
            broadcast.start();
        }

        /** Everything in the topic was read by this instance's broadcast. */
        boolean appliedAll() {
            return broadcast.caughtUp();
        }

        @Override
        public void close() {
            broadcast.close();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
