package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.Problem;
import io.annexa.evaluation.Quarantine;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleDeployer;
import io.annexa.evaluation.RuleDraft;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleSettings;
import io.annexa.service.AnnexaHome;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * The rule library: what is in service, checking a rule before deploying it, deploying it, and
 * switching rules on and off. Changes are deployed without a restart and never replace working rules
 * with broken ones.
 */
@Path("rules")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class RuleResource {

    /**
     * A loaded rule: what it checks, against which controls, its version, and how often it fired.
     *
     * @param quarantined true when the rule failed at run time and is switched off until another version is deployed
     * @param quarantine  why and since when; null unless quarantined
     */
    public record View(String id, String title, String control, List<String> controls, String severity,
                       List<String> sources, Map<String, String> parameters, boolean enabled, String version,
                       Instant deployedAt, long fired, String requirement, List<String> clauses,
                       boolean quarantined, Quarantined quarantine) {
    }

    /**
     * A rule switched off because it failed at run time; its nonconformities keep their last findings meanwhile.
     *
     * @param version the version that failed: deploying any other ends the quarantine
     * @param drlRule the DRL rule whose consequence threw; null when the rule looped
     */
    public record Quarantined(String rule, String version, String drlRule, String reason, Instant since) {

        static Quarantined of(Quarantine q) {
            return new Quarantined(q.ruleId(), q.version(), q.drlRule(), q.reason(), q.since());
        }
    }

    /** The result of checking a draft. */
    public record Validation(boolean valid, List<String> problems) {
    }

    /**
     * The outcome of the last deployment attempt, and the rules quarantined in the library in service.
     *
     * @param deployed       true only once the new rules are in service
     * @param state          {@code deployed}, {@code pending} (handed to the engine, the previous rules still run) or
     *                       {@code failed} (did not build, or could not be put in service: the previous rules run on)
     * @param libraryVersion pending or deployed: the new library; failed: the one that stays in service
     * @param inService      the library evaluating now
     * @param problems       compiler warnings; for a failed deployment, why
     * @param instances      cluster mode: the library each instance runs, as it last said (empty standalone)
     */
    public record Deployment(Instant at, boolean deployed, String state, String libraryVersion, String inService,
                             List<String> problems, List<Quarantined> quarantined, List<InstanceLibrary> instances) {

        Deployment with(List<InstanceLibrary> all) {
            return new Deployment(at, deployed, state, libraryVersion, inService, problems, quarantined, all);
        }

        static Deployment of(RuleDeployer.Deployment d, io.annexa.evaluation.Evaluation engine) {
            return new Deployment(d.at(), d.deployed(), d.status().name().toLowerCase(java.util.Locale.ROOT), d.libraryVersion(),
                    engine.library().contentHash(), d.problems().stream().map(Problem::toString).toList(),
                    engine.quarantines().stream().map(Quarantined::of).toList(), List.of());
        }
    }

    /** One instance of the cluster and the library it runs; {@code up} false when it has not been heard of lately. */
    public record InstanceLibrary(String instanceId, String libraryVersion, boolean up, Instant seenAt) {
    }

    /** The instances' libraries in cluster mode, none standalone. */
    private List<InstanceLibrary> instances() {
        return service.cluster().map(cluster -> cluster.members().all(Instant.now()).stream()
                .map(m -> new InstanceLibrary(m.instanceId(), m.libraryVersion(), m.up(), m.seenAt())).toList()).orElse(List.of());
    }

    @Inject
    AnnexaService service;

    @Context
    HttpServletRequest request;

    /** Checking a draft compiles the whole library: one at a time, so a burst of requests cannot exhaust CPU and heap. */
    private static final Semaphore CHECKING = new Semaphore(1);
    private static final long RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(RuleResource.class.getName());

    @GET
    @Requires(Role.VIEWER)
    public List<View> list() {
        io.annexa.evaluation.Evaluation engine = Ready.require(service, AnnexaService::engine);
        RuleLibrary library = engine.library();
        Map<String, Long> fired = engine.firings();
        Instant deployedAt = service.deployer().map(RuleDeployer::deployedAt).orElse(null);
        return library.rules().stream().map(r -> view(r, library, deployedAt, fired.getOrDefault(r.id(), 0L),
                engine.quarantine(r.id()).map(Quarantined::of).orElse(null))).toList();
    }

    /**
     * The log events the rules in service read: the kinds each rule reads ({@code *}: all), and per kind seen how long
     * its events stay ({@code retention}, null when no enabled rule reads it), how many are live, how many were only
     * counted ({@code notInserted}: no enabled rule reads the kind) and how many were dropped at once ({@code unmatched}:
     * every pattern reading the kind refused them).
     */
    public record Events(Map<String, java.util.Set<String>> kindsByRule, Map<String, KindCounts> kinds) {
    }

    public record KindCounts(String retention, int live, long notInserted, long unmatched) {
    }

    @GET
    @Path("events")
    @Requires(Role.VIEWER)
    public Events events() {
        io.annexa.evaluation.Evaluation engine = Ready.require(service, AnnexaService::engine);
        Map<String, KindCounts> kinds = new java.util.TreeMap<>();
        engine.eventStats().kinds().forEach((kind, stats) -> kinds.put(kind, new KindCounts(
                stats.retention() == null ? null : stats.retention().toString(), stats.live(), stats.notInserted(), stats.unmatched())));
        return new Events(new java.util.TreeMap<>(engine.library().eventInterest().kindsByRule()), kinds);
    }

    @GET
    @Path("deployment")
    @Requires(Role.VIEWER)
    public Deployment deployment() {
        return Deployment.of(Ready.require(service, AnnexaService::deployer).lastDeployment(),
                Ready.require(service, AnnexaService::engine)).with(instances());
    }

    @POST
    @Path("validate")
    @Requires(Role.RULE_AUTHOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Validation validate(RuleDraft draft) {
        List<String> problems = checkAlone(draft);
        return new Validation(problems.isEmpty(), problems);
    }

    /**
     * The folder of a rule in service, in the shape {@code PUT /api/rules/{id}} takes: read it, edit it, validate and put
     * it back. 404 for an id no folder holds; 409 when the folder holds what a draft cannot carry (a second DRL, a host
     * scenario folder, another file) or more than the draft limits, naming it, rather than dropping it.
     */
    @GET
    @Path("{id}/draft")
    @Requires(Role.RULE_AUTHOR)
    public RuleDraft draft(@PathParam("id") String id) {
        if (!RuleDraft.isRuleId(id)) {
            throw ApiError.notFound("no such rule: a rule id is a lower-case letter, then lower-case letters, digits and"
                    + " underscores, at most 100");
        }
        AnnexaHome home = Ready.require(service, AnnexaService::home);
        try {
            return RuleDraft.read(home.rules(), id, limits())
                    .orElseThrow(() -> ApiError.notFound("no rule '" + id + "' in the rules in service"));
        } catch (RuleDraft.NotADraft e) {
            throw ApiError.of(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @PUT
    @Path("{id}")
    @Requires(Role.RULE_AUTHOR)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("id") String id, RuleDraft draft) {
        if (draft == null || draft.path() == null || !draft.id().equals(id)) {
            throw ApiError.badRequest("the rule folder's last segment must be the rule id '" + id + "'");
        }
        // checked and written while no other check runs: two drafts of one id in two folders cannot both pass
        List<String> problems = alone(() -> {
            List<String> found = check(draft);
            if (found.isEmpty()) {
                AnnexaHome home = Ready.require(service, AnnexaService::home);
                try {
                    draft.writeInto(home.rules());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write rule " + id + " into " + home.rules(), e);
                }
            }
            return found;
        });
        if (!problems.isEmpty()) {
            return Response.status(422).entity(new Validation(false, problems)).build();
        }
        Deployment deployment = Deployment.of(Ready.require(service, AnnexaService::deployer).deploy(),
                Ready.require(service, AnnexaService::engine)).with(instances());
        // cluster mode: the other instances write and deploy the same folder
        service.cluster().ifPresent(cluster -> cluster.rules().publish(draft));
        LOG.info(() -> AccessFilter.caller(request).describe() + " wrote rule " + id + " (" + draft.path() + "): " + deployment.state());
        return Response.ok(deployment).build();
    }

    @PUT
    @Path("{id}/enabled")
    @Requires(Role.RULE_AUTHOR)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Deployment enable(@PathParam("id") String id, String body) {
        String flag = body == null ? "" : body.strip();
        if (!flag.equals("true") && !flag.equals("false")) {
            throw ApiError.badRequest("body must be true or false, not '" + flag + "'");
        }
        RuleLibrary library = Ready.require(service, AnnexaService::engine).library();
        if (library.rule(id).isEmpty()) {
            throw ApiError.notFound("no rule '" + id + "'");
        }
        java.nio.file.Path file = Ready.require(service, AnnexaService::home).config().resolve("rules.yml");
        try {
            RuleSettings.readForUpdate(file).withEnabled(id, Boolean.parseBoolean(flag)).write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (IllegalStateException e) {
            throw ApiError.of(Response.Status.CONFLICT, e.getMessage());
        }
        LOG.info(() -> AccessFilter.caller(request).describe() + " set rule " + id + " enabled=" + flag);
        service.cluster().ifPresent(cluster -> cluster.rules().publishEnabled(id, Boolean.parseBoolean(flag)));
        return Deployment.of(Ready.require(service, AnnexaService::deployer).deploy(), Ready.require(service, AnnexaService::engine))
                .with(instances());
    }

    private List<String> checkAlone(RuleDraft draft) {
        return alone(() -> check(draft));
    }

    private <T> T alone(java.util.function.Supplier<T> work) {
        if (!CHECKING.tryAcquire()) {
            throw new WebApplicationException(Response.status(Response.Status.TOO_MANY_REQUESTS)
                    .header("Retry-After", RETRY_AFTER_SECONDS).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(429, "another rule check is running; one runs at a time. Try again in "
                            + RETRY_AFTER_SECONDS + " s")).build());
        }
        try {
            return work.get();
        } finally {
            CHECKING.release();
        }
    }

    private List<String> check(RuleDraft draft) {
        List<String> missing = new java.util.ArrayList<>();
        if (draft == null || draft.path() == null) {
            missing.add("path");
        }
        if (draft == null || draft.ruleYml() == null) {
            missing.add("ruleYml");
        }
        if (draft == null || draft.drl() == null) {
            missing.add("drl");
        }
        if (draft == null || draft.scenarios() == null) {
            missing.add("scenarios");
        }
        if (!missing.isEmpty()) {
            throw ApiError.badRequest("body must be a JSON object with path, ruleYml, drl and scenarios; missing: "
                    + String.join(", ", missing));
        }
        AnnexaHome home = Ready.require(service, AnnexaService::home);
        return draft.check(home.rules(), home.config().resolve("rules.yml"), Ready.require(service, AnnexaService::catalog),
                Ready.require(service, AnnexaService::scenarioInputs)::forSource, limits());
    }

    /** Draft limits from configuration, each defaulting to {@link RuleDraft.Limits#DEFAULT}. */
    private RuleDraft.Limits limits() {
        RuleDraft.Limits defaults = RuleDraft.Limits.DEFAULT;
        return new RuleDraft.Limits(
                service.setting("annexa.rules.draft.max-bytes").map(Integer::parseInt).orElse(defaults.maxBytes()),
                service.setting("annexa.rules.draft.max-scenarios").map(Integer::parseInt).orElse(defaults.maxScenarios()),
                service.setting("annexa.rules.scenario.wall-clock").map(java.time.Duration::parse).orElse(defaults.scenarioWallClock()));
    }

    private static View view(RuleDefinition rule, RuleLibrary library, Instant deployedAt, long fired, Quarantined quarantine) {
        return new View(rule.id(), rule.title(), rule.primaryControl(), rule.controls(), rule.severity().label(),
                rule.sources(), rule.parameters(), library.isEnabled(rule.id()), library.version(rule.id()), deployedAt, fired,
                rule.requirement(), rule.clauses(), quarantine != null, quarantine);
    }
}
