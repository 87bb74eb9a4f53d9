package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.evidence.SourceSilent;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetRecord;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/assets}: the asset inventory ({@code config/assets.yml}, ISO/IEC 27002:2022 5.9) beside what the
 * sources actually report, so gaps in the inventory show: assets with evidence or nonconformities that no entry
 * covers are listed as {@code unregistered}. A silent route's monitoring gap is raised under the route's id, which is
 * not an asset: it is left out.
 */
@Path("assets")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class AssetResource {

    /**
     * One inventory entry: {@code name} for one asset or {@code match} for a glob. {@code openNonconformities}: those
     * not yet fixed on the assets the entry stands for (for a glob, the assets it matches that no entry names).
     * {@code lastReported}: when a source last delivered evidence for a named asset since Annexa started.
     */
    public record Entry(String name, String match, String owner, String criticality, String classification,
                        List<String> tags, boolean decommissioned, int openNonconformities, Instant lastReported) {
    }

    /** An asset no inventory entry covers. {@code lastReported} is null for one known only by its nonconformities. */
    public record Unregistered(String name, Instant lastReported, int openNonconformities) {
    }

    public record Overview(List<Entry> inventory, List<Unregistered> unregistered) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public Overview list() {
        NonconformityRegister register = Ready.require(service, AnnexaService::register);
        List<Nonconformity> active = Ready.require(service, AnnexaService::repository).findActive();
        return overview(register.inventory(), register.reportedAssets(), active);
    }

    static Overview overview(AssetInventory inventory, Map<String, Instant> reported, List<Nonconformity> active) {
        Map<AssetRecord, Integer> openByRecord = new IdentityHashMap<>();
        Map<String, Integer> openByAsset = new HashMap<>();
        TreeSet<String> uncovered = new TreeSet<>();
        for (Nonconformity nc : active) {
            if (nc.getEvidenceSources().contains(SourceSilent.SOURCE)) {
                continue;
            }
            var record = inventory.find(nc.getAsset());
            if (record.isEmpty()) {
                uncovered.add(nc.getAsset());
            }
            if (nc.getStatus().unfixed()) {
                record.ifPresent(r -> openByRecord.merge(r, 1, Integer::sum));
                openByAsset.merge(nc.getAsset(), 1, Integer::sum);
            }
        }
        reported.keySet().stream().filter(asset -> inventory.find(asset).isEmpty()).forEach(uncovered::add);
        List<Entry> entries = inventory.records().stream().map(r -> new Entry(r.isGlob() ? null : r.pattern(),
                r.isGlob() ? r.pattern() : null, r.owner(), r.criticality().label(), r.classification(), r.tags(),
                r.decommissioned(), openByRecord.getOrDefault(r, 0), r.isGlob() ? null : reported.get(r.pattern()))).toList();
        List<Unregistered> unregistered = uncovered.stream()
                .map(asset -> new Unregistered(asset, reported.get(asset), openByAsset.getOrDefault(asset, 0))).toList();
        return new Overview(entries, unregistered);
    }
}
