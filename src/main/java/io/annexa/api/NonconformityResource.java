package io.annexa.api;

import io.annexa.access.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.AssetNames;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityFilter;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@Path("nonconformities")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class NonconformityResource {

    /**
     * A nonconformity as the API shows it. {@code incident}: it records something that happened (a brute-force
     * burst), so Annexa never resolves it by itself; people close it.
     */
    public record View(long id, String ruleId, String ruleTitle, String control, List<String> controls,
                       String requirement, String asset, String severity, String status, Instant firstSeen,
                       Instant lastSeen, Instant resolvedAt, boolean incident, String evidence) {

        static View of(Nonconformity nc) {
            return new View(nc.getId(), nc.getRuleId(), nc.getRuleTitle(), nc.getControl(), nc.getControls(),
                    nc.getRequirement(), nc.getAsset(), nc.getSeverity(), nc.getStatus().label(), nc.getFirstSeen(),
                    nc.getLastSeen(), nc.getResolvedAt(), nc.isIncident(), nc.getEvidence());
        }

        /** Evidence (which file, which line, which setting) is for auditors and stronger: a viewer gets null. */
        View forViewerOnly() {
            return new View(id, ruleId, ruleTitle, control, controls, requirement, asset, severity, status, firstSeen,
                    lastSeen, resolvedAt, incident, null);
        }

        static java.util.function.Function<Nonconformity, View> shownTo(HttpServletRequest request) {
            boolean evidence = AccessFilter.may(request, Role.AUDITOR);
            return nc -> evidence ? of(nc) : of(nc).forViewerOnly();
        }
    }

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public List<View> list(@QueryParam("status") String status, @QueryParam("control") String control,
                           @QueryParam("asset") String asset) {
        NonconformityFilter filter = new NonconformityFilter(
                blank(status).map(NonconformityResource::status),
                blank(control).map(this::control),
                blank(asset).map(NonconformityResource::asset));
        return repository().search(filter).stream().map(View.shownTo(request)).toList();
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("{id}")
    public View get(@PathParam("id") String id) {
        long number = ApiError.id("nonconformity", id);
        return repository().find(number).map(View.shownTo(request))
                .orElseThrow(() -> ApiError.notFound("no nonconformity with id " + number));
    }

    private NonconformityRepository repository() {
        return Ready.require(service, AnnexaService::repository);
    }

    private static NonconformityStatus status(String text) {
        try {
            return NonconformityStatus.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter status: " + e.getMessage());
        }
    }

    private String control(String id) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        if (!catalog.contains(id)) {
            throw ApiError.badRequest("query parameter control: '" + id + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)");
        }
        return id;
    }

    private static String asset(String name) {
        try {
            return AssetNames.normalize(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter asset: " + e.getMessage());
        }
    }

    private static Optional<String> blank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
