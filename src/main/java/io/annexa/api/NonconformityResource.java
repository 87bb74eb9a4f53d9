package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.AssetNames;
import io.annexa.register.AuditEntry;
import io.annexa.register.Lifecycle;
import io.annexa.register.LifecycleAction;
import io.annexa.register.LifecycleException;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityQuery;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.Occurrence;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The register: nonconformities, their evidence and history, and the clause 10.2 lifecycle actions. Reading needs
 * {@code viewer} (evidence and treatment details need {@code auditor}); acting needs {@code analyst}.
 */
@Path("nonconformities")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class NonconformityResource {

    /** What a nonconformity's treatment says; hidden from viewers, like the evidence. */
    public record Treatment(String rootCause, String correction, String correctiveAction, Instant dueAt,
                            String riskRequestedBy, String riskApprover, String riskJustification, Instant riskExpiresAt) {
    }

    /**
     * A nonconformity as the API shows it. {@code incident}: it records something that happened (a brute-force
     * burst), so Annexa never resolves it by itself; people close it. {@code allowedActions}: what a person may do now.
     */
    public record View(long id, long version, String ruleId, String ruleTitle, String control, List<String> controls,
                       String theme, String annexA, List<String> clauses, String requirement, String asset, String owner,
                       String severity, String grade, String escalation, String status, List<String> allowedActions,
                       boolean incident, Instant firstSeen, Instant lastSeen, Instant resolvedAt, Instant closedAt,
                       int occurrences, int recurrences, Long previousId, String withdrawnReason,
                       String evidenceSummary, Treatment treatment) {

        static View of(Nonconformity nc, boolean details) {
            Treatment treatment = details ? new Treatment(nc.getRootCause(), nc.getCorrection(), nc.getCorrectiveAction(),
                    nc.getDueAt(), nc.getRiskRequestedBy(), nc.getRiskApprover(), nc.getRiskJustification(), nc.getRiskExpiresAt())
                    : null;
            return new View(nc.getId(), nc.getVersion(), nc.getRuleId(), nc.getRuleTitle(), nc.getControl(), nc.getControls(),
                    nc.getTheme(), nc.getAnnexA(), nc.getClauses(), nc.getRequirement(), nc.getAsset(), nc.getOwner(),
                    nc.getSeverity(), nc.getGrade(), nc.getEscalation(), nc.getStatus().label(),
                    Lifecycle.allowed(nc.getStatus(), nc.isIncident()).stream().map(LifecycleAction::label).toList(),
                    nc.isIncident(), nc.getFirstSeen(), nc.getLastSeen(), nc.getResolvedAt(), nc.getClosedAt(),
                    nc.getOccurrenceCount(), nc.getRecurrenceCount(), nc.getPreviousId(), nc.getWithdrawnReason(),
                    details ? nc.getEvidenceSummary() : null, treatment);
        }

        /** Evidence (which file, which line, which setting) and treatment are for auditors and stronger. */
        static Function<Nonconformity, View> shownTo(HttpServletRequest request) {
            boolean details = AccessFilter.may(request, Role.AUDITOR);
            return nc -> of(nc, details);
        }
    }

    public record Page<T>(List<T> items, String next) {
    }

    public record OccurrenceView(long id, Instant observedAt, String ruleId, String source, boolean incident, int part,
                                 int parts, String contentHash, String evidence) {
        static OccurrenceView of(Occurrence o) {
            return new OccurrenceView(o.getId(), o.getObservedAt(), o.getRuleId(), o.getSource(), o.isIncident(), o.getPart(),
                    o.getParts(), o.getContentHash(), o.getSummary());
        }
    }

    public record HistoryView(long id, Instant at, String actor, String action, String from, String to, String comment,
                              String bodyHash) {
        static HistoryView of(AuditEntry e) {
            return new HistoryView(e.getId(), e.getAt(), e.getActor(), e.getAction(), e.getFromStatus(), e.getToStatus(),
                    e.getComment(), e.getBodyHash());
        }
    }

    public record TrendPoint(LocalDate day, String grade, String theme, int open) {
    }

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public Page<View> list(@QueryParam("status") List<String> status, @QueryParam("grade") String grade,
                           @QueryParam("control") String control, @QueryParam("theme") String theme,
                           @QueryParam("asset") String asset, @QueryParam("requirement") String requirement,
                           @QueryParam("since") String since, @QueryParam("until") String until,
                           @QueryParam("sort") String sort, @QueryParam("order") String order,
                           @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        NonconformityQuery query;
        try {
            query = new NonconformityQuery(statuses(status),
                    blank(grade).map(g -> oneOf("grade", g, Set.of("major", "minor", "observation"))),
                    blank(control).map(this::control),
                    blank(theme).map(t -> oneOf("theme", t, Set.of("organizational", "people", "physical", "technological"))),
                    blank(asset).map(NonconformityResource::asset),
                    blank(requirement).map(NonconformityResource::requirement),
                    blank(since).map(s -> time("since", s)), blank(until).map(u -> time("until", u)),
                    blank(sort).map(NonconformityQuery.Sort::parse).orElse(NonconformityQuery.Sort.ID),
                    blank(order).map(o -> "desc".equals(oneOf("order", o, Set.of("asc", "desc")))).orElse(false),
                    blank(limit).map(l -> number("limit", l)).orElse(100), blank(cursor));
            NonconformityQuery.Page<Nonconformity> page = repository().page(query);
            return new Page<>(page.items().stream().map(View.shownTo(request)).toList(), page.next().orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("{id}")
    public View get(@PathParam("id") String id) {
        return View.shownTo(request).apply(find(id));
    }

    @GET
    @Requires(Role.AUDITOR)
    @Path("{id}/history")
    public List<HistoryView> history(@PathParam("id") String id) {
        return repository().history(find(id).getId()).stream().map(HistoryView::of).toList();
    }

    @GET
    @Requires(Role.AUDITOR)
    @Path("{id}/occurrences")
    public Page<OccurrenceView> occurrences(@PathParam("id") String id, @QueryParam("after") String after,
                                            @QueryParam("limit") String limit) {
        long number = find(id).getId();
        try {
            return occurrences(repository(), number, after, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /**
     * One page of a nonconformity's evidence occurrences, oldest first: {@code limit} (1 to the list maximum, default
     * 100) after the occurrence {@code after}.
     *
     * @throws IllegalArgumentException naming the query parameter that is wrong
     */
    static Page<OccurrenceView> occurrences(NonconformityRepository repository, long number, String after, String limit) {
        int size = blank(limit).map(l -> number("limit", l)).orElse(100);
        if (size < 1 || size > NonconformityQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("query parameter limit: between 1 and " + NonconformityQuery.MAX_LIMIT + ", not " + size);
        }
        long from = blank(after).map(NonconformityResource::occurrenceId).orElse(0L);
        // one row more than the page: whether there is a next page is known without counting
        List<Occurrence> rows = repository.occurrences(number, from, size + 1);
        List<OccurrenceView> items = rows.stream().limit(size).map(OccurrenceView::of).toList();
        return new Page<>(items, rows.size() > size ? Long.toString(items.get(items.size() - 1).id()) : null);
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("trend")
    public List<TrendPoint> trend(@QueryParam("days") String days) {
        try {
            return trend(repository(), LocalDate.now(java.time.ZoneOffset.UTC), days);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /**
     * The open nonconformities of each of the {@code days} (90 when not given) up to {@code today} (UTC), by grade and
     * theme, from the register's daily snapshots. A day without a snapshot (Annexa was down) or with nothing open has
     * no point.
     *
     * @throws IllegalArgumentException {@code days} is not a number from 1 to 3660
     */
    static List<TrendPoint> trend(NonconformityRepository repository, LocalDate today, String days) {
        int span = blank(days).map(d -> number("days", d)).orElse(90);
        if (span < 1 || span > 3660) {
            throw new IllegalArgumentException("query parameter days: between 1 and 3660, not " + span);
        }
        return repository.snapshots(today.minusDays(span - 1L)).stream()
                .map(s -> new TrendPoint(s.day(), s.grade(), s.theme(), s.open())).toList();
    }

    @POST
    @Requires(Role.ANALYST)
    @Path("{id}/{action}")
    @Consumes(MediaType.WILDCARD)
    public Response act(@PathParam("id") String id, @PathParam("action") String action, @HeaderParam("If-Match") String ifMatch,
                        byte[] body) {
        long number = ApiError.id("nonconformity", id);
        LifecycleAction what;
        try {
            what = LifecycleAction.parse(action);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound(e.getMessage());
        }
        NonconformityRegister register = Ready.require(service, AnnexaService::register);
        var parsed = ActionBody.parse(body, what, ifMatch);
        if (what == LifecycleAction.ACCEPT_RISK) {
            String requester = parsed.requestedBy();
            if (requester != null && service.administration().flatMap(a -> a.user(requester.strip())).isEmpty()) {
                throw ApiError.badRequest("requestedBy: '" + requester + "' is not a user of Annexa");
            }
        }
        try {
            NonconformityRegister.Change change = register.act(number, what, parsed, AccessFilter.caller(request).name());
            return Response.ok(View.of(change.nonconformity(), true)).build();
        } catch (LifecycleException.NotFound e) {
            throw ApiError.notFound(e.getMessage());
        } catch (LifecycleException.Invalid e) {
            throw ApiError.badRequest(e.getMessage());
        } catch (LifecycleException.IllegalTransition e) {
            throw new jakarta.ws.rs.WebApplicationException(e.getMessage(), Response.status(Response.Status.CONFLICT)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new TransitionRefused(409, e.getMessage(), e.status(), e.allowed())).build());
        } catch (LifecycleException.Stale e) {
            throw ApiError.of(Response.Status.CONFLICT, e.getMessage());
        }
    }

    /** The 409 answer to an action not allowed now: the status it is in and what may be done instead. */
    public record TransitionRefused(int status, String error, String currentStatus, List<String> allowed) {
    }

    private Nonconformity find(String id) {
        long number = ApiError.id("nonconformity", id);
        return repository().find(number).orElseThrow(() -> ApiError.notFound("no nonconformity with id " + number));
    }

    private NonconformityRepository repository() {
        return Ready.require(service, AnnexaService::repository);
    }

    private static Set<NonconformityStatus> statuses(List<String> values) {
        Set<NonconformityStatus> wanted = EnumSet.noneOf(NonconformityStatus.class);
        for (String value : values == null ? List.<String>of() : values) {
            for (String one : value.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                try {
                    wanted.add(NonconformityStatus.parse(one));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("query parameter status: " + e.getMessage());
                }
            }
        }
        return wanted;
    }

    private String control(String id) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        if (!catalog.contains(id)) {
            throw new IllegalArgumentException("query parameter control: '" + id
                    + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)");
        }
        return id;
    }

    private static String requirement(String text) {
        if (!text.matches("A\\.[5-8]\\.\\d{1,2}|\\d{1,2}(\\.\\d{1,2}){0,2}")) {
            throw new IllegalArgumentException("query parameter requirement: '" + text
                    + "' is neither an Annex A control (A.8.5) nor a clause (9.1)");
        }
        return text;
    }

    private static String asset(String name) {
        try {
            return AssetNames.normalize(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query parameter asset: " + e.getMessage());
        }
    }

    private static String oneOf(String parameter, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("query parameter " + parameter + ": '" + value + "' is not one of "
                    + String.join(", ", new java.util.TreeSet<>(allowed)));
        }
        return value;
    }

    private static Instant time(String parameter, String text) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("query parameter " + parameter + ": '" + text
                    + "' is neither a date (2026-12-01) nor a time (2026-12-01T10:00:00Z)");
        }
    }

    private static int number(String parameter, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter " + parameter + ": '" + text + "' is not a number");
        }
    }

    private static long occurrenceId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter after: occurrence id '" + text + "' is not a number");
        }
    }

    private static Optional<String> blank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
