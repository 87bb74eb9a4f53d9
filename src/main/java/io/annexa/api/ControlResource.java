package io.annexa.api;

import io.annexa.access.Role;
import jakarta.servlet.http.HttpServletRequest;
import io.annexa.control.Control;
import io.annexa.control.ControlCatalog;
import io.annexa.control.Coverage;
import io.annexa.control.Dimension;
import io.annexa.control.LegacyControl;
import io.annexa.control.SoaEntry;
import io.annexa.control.SoaStatus;
import io.annexa.register.NonconformityQuery;
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
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ISO/IEC 27002:2022 controls with their attributes, how each is monitored and where it stands.
 * A control no rule covers is {@code manual}: it needs a person's evidence, and the list never hides it.
 */
@Path("controls")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ControlResource {

    private static final Set<String> THEMES = Set.of("organizational", "people", "physical", "technological");
    private static final Set<String> FILTERS = Set.of("theme", "attribute", "status", "monitoring", "new",
            "controlType", "securityProperty", "cybersecurityConcept", "operationalCapability", "securityDomain");

    /** A control as the API shows it. */
    public record View(String id, String title, String theme, boolean newIn2022, String annexA,
                       Map<String, List<String>> attributes, List<String> formerly, String monitoring,
                       List<String> rules, boolean applicable, String justification, String implementation,
                       String notes, String status, Instant lastEvaluated, List<Long> openNonconformities,
                       List<String> problems) {
    }

    /** One control with its open nonconformities in full. */
    public record Detail(View control, List<NonconformityResource.View> nonconformities) {
    }

    @Inject
    AnnexaService service;

    @jakarta.ws.rs.core.Context
    HttpServletRequest request;

    @GET
    @Requires(Role.VIEWER)
    public List<View> list(@jakarta.ws.rs.core.Context UriInfo uri) {
        Predicate<SoaEntry> filter = filter(uri.getQueryParameters());
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        return Soa.current(service).entries().stream().filter(filter).map(e -> view(e, catalog)).toList();
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("{id}")
    public Detail get(@PathParam("id") String id) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        if (!catalog.contains(id)) {
            String hint = catalog.legacy(id).map(l -> "; as an ISO/IEC 27001:2013 control it became " + String.join(", ", l.mapsTo())).orElse("");
            throw ApiError.notFound("'" + id + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)" + hint);
        }
        SoaEntry entry = Soa.current(service).entries().stream().filter(e -> e.control().id().equals(id)).findFirst().orElseThrow();
        List<NonconformityResource.View> open = service.repository()
                .map(r -> r.page(new NonconformityQuery(NonconformityStatus.unfixedOnes(), Optional.empty(), Optional.of(id), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), NonconformityQuery.Sort.ID, false,
                        NonconformityQuery.MAX_LIMIT, Optional.empty())).items())
                .orElse(List.of()).stream().map(NonconformityResource.View.shownTo(request)).toList();
        return new Detail(view(entry, catalog), open);
    }

    static View view(SoaEntry entry, ControlCatalog catalog) {
        Control c = entry.control();
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Dimension d : Dimension.values()) {
            attributes.put(d.key(), c.values(d).stream().map(v -> "#" + v).toList());
        }
        List<String> formerly = catalog.legacyControls().stream().filter(l -> l.mapsTo().contains(c.id()))
                .map(LegacyControl::id).toList();
        var decision = entry.applicability();
        return new View(c.id(), c.title(), c.theme(), c.newIn2022(), c.annexA(), attributes, formerly,
                entry.coverage().label(), entry.rules(), decision.applicable(), decision.justification(),
                decision.implementation() == null ? null : decision.implementation().label(), decision.notes(),
                entry.status().label(), entry.lastEvaluated(), entry.openNonconformities(), entry.problems());
    }

    private static Predicate<SoaEntry> filter(MultivaluedMap<String, String> query) {
        Predicate<SoaEntry> filter = e -> true;
        for (Map.Entry<String, List<String>> param : query.entrySet()) {
            String name = param.getKey();
            if (!FILTERS.contains(name)) {
                throw ApiError.badRequest("unknown query parameter '" + name + "'; filters: " + String.join(", ", FILTERS.stream().sorted().toList()));
            }
            for (String raw : param.getValue()) {
                filter = filter.and(one(name, raw.strip()));
            }
        }
        return filter;
    }

    private static Predicate<SoaEntry> one(String name, String value) {
        switch (name) {
            case "theme" -> {
                String theme = value.toLowerCase(Locale.ROOT);
                require(THEMES.contains(theme), name, value, THEMES.stream().sorted().toList());
                return e -> e.control().theme().equals(theme);
            }
            case "new" -> {
                require(value.equals("true") || value.equals("false"), name, value, List.of("true", "false"));
                boolean wanted = Boolean.parseBoolean(value);
                return e -> e.control().newIn2022() == wanted;
            }
            case "status" -> {
                SoaStatus status = Arrays.stream(SoaStatus.values()).filter(s -> s.label().equals(value)).findFirst()
                        .orElseThrow(() -> invalid(name, value, Arrays.stream(SoaStatus.values()).map(SoaStatus::label).toList()));
                return e -> e.status() == status;
            }
            case "monitoring" -> {
                Coverage coverage = Arrays.stream(Coverage.values()).filter(s -> s.label().equals(value)).findFirst()
                        .orElseThrow(() -> invalid(name, value, Arrays.stream(Coverage.values()).map(Coverage::label).toList()));
                return e -> e.coverage() == coverage;
            }
            case "attribute" -> {
                String canonical = Arrays.stream(Dimension.values()).map(d -> d.parse(value)).flatMap(Optional::stream).findFirst()
                        .orElseThrow(() -> invalid(name, value, Arrays.stream(Dimension.values())
                                .flatMap(d -> d.vocabulary().stream()).map(v -> "#" + v).toList()));
                return e -> e.control().has(canonical);
            }
            default -> {
                Dimension dimension = Dimension.byKey(name).orElseThrow();
                String canonical = dimension.parse(value)
                        .orElseThrow(() -> invalid(name, value, dimension.vocabulary().stream().map(v -> "#" + v).toList()));
                return e -> e.control().values(dimension).contains(canonical);
            }
        }
    }

    private static void require(boolean ok, String name, String value, List<String> allowed) {
        if (!ok) {
            throw invalid(name, value, allowed);
        }
    }

    private static jakarta.ws.rs.WebApplicationException invalid(String name, String value, List<String> allowed) {
        return ApiError.badRequest("query parameter " + name + ": '" + value + "' is not one of " + String.join(", ", allowed));
    }
}
