package io.annexa.cluster;

import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.register.ChangeJournal;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.PartitionLeases;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * How an instance joins the cluster's evaluation: its topics and a {@link ClusterNode} recording each owned partition
 * into the shared register under the partition's lease. The service's cluster mode and a bare cluster instance (no web
 * server) are wired by this same code, so what a test proves of one holds for the other.
 */
public final class ClusterNodes {

    private ClusterNodes() {
    }

    /** The register an instance records into, read again at each claim so a reloaded policy or inventory applies. */
    public record SharedRegister(NonconformityRepository repository, Supplier<RegisterPolicy> policy,
                                 Supplier<AssetInventory> inventory, ChangeJournal journal) {
    }

    /** How much an instance evaluates and keeps in memory per partition. */
    public record Evaluating(ThreadFactory threads, EventRetention retention, int maxPendingEvents, int maxPendingFacts) {
    }

    /**
     * Makes the topics when missing, events kept twice the longest window a rule counts in (and never less than a day).
     *
     * @return how many partitions the topics have (an existing topic keeps its own count)
     */
    public static int ensureTopics(ClusterSettings settings, RuleLibrary library) {
        Duration retention = ClusterNode.longestWindow(library).multipliedBy(2);
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            retention = Duration.ofDays(1);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-admin"))) {
            return ClusterTopics.ensure(admin, settings, retention);
        }
    }

    /**
     * A node (not started) whose partitions are claimed through {@link PartitionLeases} and recorded each into a register
     * scoped to the partition, with the rules the node has in service at the time of recording.
     *
     * @param partitions how many partitions the topics have, as {@link #ensureTopics} returned
     * @param recorded   told of what each recorded result changed
     */
    public static ClusterNode recordingInto(SharedRegister register, ClusterSettings settings, int partitions, RuleLibrary library,
                                            EvidenceCodec codec, Evaluating evaluating,
                                            Consumer<List<NonconformityRegister.Change>> recorded) {
        PartitionLeases leases = new PartitionLeases(register.repository(), Clock.systemUTC());
        ClusterNode[] self = new ClusterNode[1];
        RegisterClaims claims = new RegisterClaims(leases, settings.instanceId(), partitions,
                scope -> new NonconformityRegister(register.repository(), register.policy().get(), register.inventory().get(),
                        Clock.systemUTC(), register.journal(), scope),
                id -> self[0].library().enabledRule(id), recorded);
        self[0] = new ClusterNode(settings, library, claims, codec, evaluating.threads(), evaluating.retention(),
                evaluating.maxPendingEvents(), evaluating.maxPendingFacts());
        return self[0];
    }
}
