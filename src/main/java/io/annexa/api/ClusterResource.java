package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.cluster.ClusterMembers;
import io.annexa.cluster.ClusterNode;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/cluster}: the instances sharing the estate (cluster mode), each with the partitions it evaluates, which
 * of them are still being rebuilt, how many events they have still to read, and the rule library it runs; and this
 * instance's own partitions in detail. Standalone, {@code mode} says so and the lists are empty.
 */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ClusterResource {

    /** {@code instances}: from the shared database, one row per instance that ever joined; {@code up} false when silent. */
    public record Cluster(String mode, String instanceId, String groupId, int partitions, List<ClusterNode.PartitionStatus> owned,
                          List<ClusterMembers.Member> instances, Instant at) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public Cluster get() {
        Instant now = Instant.now();
        return service.cluster().map(cluster -> new Cluster("cluster", cluster.settings().instanceId(), cluster.settings().groupId(),
                        cluster.partitions(), cluster.node().partitions(), cluster.members().all(now), now))
                .orElseGet(() -> new Cluster("standalone", null, null, 0, List.of(), List.of(), now));
    }
}
