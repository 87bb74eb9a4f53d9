package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.control.SoaEntry;
import io.annexa.control.StatementOfApplicability;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.Grade;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/overview}: compliance at a glance in one request, for the web console's heatmap. Each of the 93
 * controls with its status exactly as {@code GET /api/controls} reports it, how it is monitored and the worst grade of
 * the nonconformities not yet fixed that cite it; and those nonconformities counted by grade. One read of the register
 * instead of one request per control.
 */
@Path("overview")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class OverviewResource {

    /**
     * One control. {@code status}: {@code compliant}, {@code nonconforming}, {@code not_evaluated} or
     * {@code not_applicable} (as {@code /api/controls}); {@code monitoring}: {@code automated}, {@code partial} or
     * {@code manual}; {@code worstGrade}: {@code major}, {@code minor}, {@code observation}, or null when nothing unfixed
     * cites it; {@code open}: how many unfixed nonconformities cite it.
     */
    public record Cell(String id, String title, String theme, String status, String monitoring, String worstGrade, int open) {
    }

    /** {@code openByGrade}: the unfixed nonconformities (open, acknowledged, action-planned, pending-verification, reopened) by grade. */
    public record Overview(Instant generatedAt, List<Cell> controls, Map<String, Integer> openByGrade, int open) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public Overview get() {
        // id, controls and grade of what is not yet fixed, read as columns: 10,000 entities would take seconds to load
        List<NonconformityRepository.Unfixed> unfixed = Ready.require(service, AnnexaService::repository).unfixed();
        StatementOfApplicability soa = Soa.ofUnfixed(Ready.require(service, AnnexaService::catalog), service.applicability(),
                Soa.rules(service), unfixed, Instant.now());
        return overview(soa, unfixed);
    }

    static Overview overview(StatementOfApplicability soa, List<NonconformityRepository.Unfixed> unfixed) {
        Map<String, Grade> worst = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        Map<String, Integer> byGrade = new LinkedHashMap<>();
        for (Grade g : Grade.values()) {
            byGrade.put(g.label(), 0);
        }
        int open = 0;
        for (NonconformityRepository.Unfixed nc : unfixed) {
            open++;
            Grade grade = Grade.parse(nc.grade());
            byGrade.merge(grade.label(), 1, Integer::sum);
            for (String control : nc.controls()) {
                worst.merge(control, grade, (a, b) -> b.worseThan(a) ? b : a);
                count.merge(control, 1, Integer::sum);
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (SoaEntry e : soa.entries()) {
            String id = e.control().id();
            Grade grade = worst.get(id);
            cells.add(new Cell(id, e.control().title(), e.control().theme(), e.status().label(), e.coverage().label(),
                    grade == null ? null : grade.label(), count.getOrDefault(id, 0)));
        }
        return new Overview(soa.generatedAt(), cells, byGrade, open);
    }
}
