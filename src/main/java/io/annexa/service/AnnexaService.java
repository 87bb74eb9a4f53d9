package io.annexa.service;

import io.annexa.access.AccessAdministration;
import io.annexa.access.AccessStore;
import io.annexa.access.Authenticator;
import io.annexa.access.BootstrapAdmin;
import io.annexa.access.LoginThrottle;
import io.annexa.access.PasswordHasher;
import io.annexa.control.Applicability;
import io.annexa.control.ApplicabilityReader;
import io.annexa.control.CatalogException;
import io.annexa.control.ControlCatalog;
import io.annexa.ingestion.scenario.ScenarioInputs;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleDeployer;
import io.annexa.evaluation.RuleLibraryException;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.RegisterConfigException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Starts Annexa when the application starts and stops it when it stops: rule library, register,
 * evaluation engine, then the source routes, in that order, so no evidence arrives before it can
 * be evaluated and recorded. Anything failing leaves Annexa not ready (the health check says why)
 * rather than running half-configured.
 */
@ApplicationScoped
public class AnnexaService {

    private static final Logger LOG = Logger.getLogger(AnnexaService.class.getName());

    public enum State { STARTING, READY, FAILED }

    @Inject
    Config config;

    @Resource
    ManagedThreadFactory threads;

    private volatile State state = State.STARTING;
    private volatile String failure;
    private volatile AnnexaHome home;
    private volatile ControlCatalog catalog;
    private volatile ScenarioInputs scenarioInputs;
    private volatile Map<String, Applicability> applicability = Map.of();
    private volatile NonconformityRepository repository;
    private volatile NonconformityRegister register;
    private volatile RegisterConfiguration registerConfig;
    private volatile ScheduledExecutorService registerTimer;
    private volatile EvaluationEngine engine;
    private volatile SourceRuntime sources;
    private volatile RuleDeployer deployer;
    private volatile AccessStore accessStore;
    private volatile Authenticator authenticator;
    private volatile AccessAdministration administration;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Instant started = Instant.now();
        try {
            home = new AnnexaHome(AnnexaHome.locateHome(), Path.of(setting("annexa.data").orElse("./annexa-data")));
            LOG.info(() -> "Annexa home " + home.home() + ", data " + home.data());
            catalog = ControlCatalog.load();
            // compiling the rules and opening access control (migrations, first admin) wait on different
            // things, CPU and database: side by side they start about two seconds sooner
            CompletableFuture<RuleLibrary> compiling = CompletableFuture.supplyAsync(this::compileRules,
                    work -> threads.newThread(work).start());
            startAccessControl();
            scenarioInputs = new ScenarioInputs(catalog);
            applicability = new ApplicabilityReader(catalog).read(home.config().resolve("applicability.yml"));
            RuleLibrary library = compiled(compiling);
            library.warnings().forEach(w -> LOG.warning(w::toString));
            LOG.info(() -> library.rules().size() + " rules compiled from " + home.rules());

            repository = NonconformityRepository.open(databaseSettings());
            registerConfig = new RegisterConfiguration(home.config());
            register = new NonconformityRegister(repository, registerConfig.policy(), registerConfig.inventory(), Clock.systemUTC());
            startRegisterTimer();
            // the rules in service when the result is recorded: a deployment may have swapped them
            engine = new EvaluationEngine(library, result -> register.reconcile(result, id -> engine.library().enabledRule(id))
                    .forEach(change -> LOG.info(() -> "nonconformity " + change.nonconformity().getId() + " "
                            + change.kind().name().toLowerCase() + ": " + change.nonconformity().getRuleId()
                            + " on " + change.nonconformity().getAsset())), threads, eventRetention());

            for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
                Files.createDirectories(home.inbox(kind.source()));
            }
            sources = new SourceRuntime(home.integrations(), fixedProperties(), new SourceContext(engine, new SourceMonitor(),
                    home.data(), this::setting, catalog, setting("annexa.sources.max-file-bytes").map(Long::parseLong).orElse(1_048_576L)));
            sources.start();
            deployer = new RuleDeployer(home.rules(), home.config().resolve("rules.yml"), catalog, engine, threads,
                    setting("annexa.rules.reload-ms").map(Long::parseLong).orElse(5_000L));
            state = State.READY;
            LOG.info(() -> "Annexa ready in " + Duration.between(started, Instant.now()).toMillis() + " ms; "
                    + sources.routes().size() + " source routes started");
        } catch (RegisterConfigException e) {
            fail("the register's configuration (config/register.yml, config/assets.yml) cannot be used:\n"
                    + String.join("\n", e.problems()), null);
        } catch (CatalogException e) {
            fail("the control catalog or the applicability decisions cannot be used:\n" + e.getMessage(), null);
        } catch (RuleLibraryException e) {
            fail("the rule library cannot be used, so Annexa does not evaluate anything until it is fixed:\n" + e.getMessage(), null);
        } catch (Exception | LinkageError e) {
            fail("start-up failed: " + e, e);
        }
    }

    private RuleLibrary compileRules() {
        try {
            return RuleLibrary.load(home.rules(), home.config().resolve("rules.yml"), catalog);
        } catch (RuleLibraryException e) {
            throw new CompletionException(e);
        }
    }

    private static RuleLibrary compiled(CompletableFuture<RuleLibrary> compiling) throws RuleLibraryException {
        try {
            return compiling.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuleLibraryException problems) {
                throw problems;
            }
            throw e;
        }
    }

    /**
     * Users and tokens come first: even when the rules cannot be used, an admin can sign in and see why.
     * The database schema is migrated here, before anything opens it.
     */
    private void startAccessControl() throws java.io.IOException {
        DatabaseSettings database = databaseSettings();
        DatabaseMigrations.migrate(database);
        accessStore = AccessStore.open(database.url(), database.user(), database.password());
        PasswordHasher hasher = new PasswordHasher();
        Clock clock = Clock.systemUTC();
        Duration window = Duration.ofSeconds(setting("annexa.auth.failure-window-seconds").map(Long::parseLong).orElse(300L));
        authenticator = new Authenticator(accessStore, hasher,
                new LoginThrottle(setting("annexa.auth.max-failures-per-user").map(Integer::parseInt).orElse(5), window, clock),
                new LoginThrottle(setting("annexa.auth.max-failures-per-address").map(Integer::parseInt).orElse(20), window, clock),
                clock);
        administration = new AccessAdministration(accessStore, hasher, authenticator, clock);
        BootstrapAdmin.ensure(administration, accessStore, setting("annexa.bootstrap.admin-password"), home.data());
    }

    private void fail(String message, Throwable cause) {
        failure = message;
        state = State.FAILED;
        LOG.log(Level.SEVERE, message, cause);
        // access control stays up: callers are still told who they are, and only signed-in ones learn why
        stopEvaluation();
    }

    private Map<String, String> fixedProperties() {
        return Map.of(
                "annexa.home", home.home().toString(),
                "annexa.data", home.data().toString(),
                "annexa.inbox", home.data().resolve("inbox").toString(),
                "annexa.host.name", hostName());
    }

    private String hostName() {
        return setting("annexa.host.name").orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        });
    }

    private DatabaseSettings databaseSettings() {
        return setting("annexa.db.url")
                .map(url -> new DatabaseSettings(url, setting("annexa.db.user").orElse(""), setting("annexa.db.password").orElse("")))
                .orElseGet(() -> DatabaseSettings.embedded(home.data()));
    }

    /** A configuration value; blank counts as unset, so the shipped file can list every key. */
    /** How long log events stay where the rules do not say, and at most ({@code annexa.evaluation.events.*}). */
    private io.annexa.evaluation.EventRetention eventRetention() {
        return new io.annexa.evaluation.EventRetention(
                setting("annexa.evaluation.events.default-retention").map(io.annexa.evidence.RuleParameter::parseDuration)
                        .orElse(io.annexa.evaluation.EventRetention.DEFAULT.defaultRetention()),
                setting("annexa.evaluation.events.max-retention").map(io.annexa.evidence.RuleParameter::parseDuration)
                        .orElse(io.annexa.evaluation.EventRetention.DEFAULT.max()));
    }

    public Optional<String> setting(String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(v -> !v.isEmpty());
    }

    @PreDestroy
    void stop() {
        stopEvaluation();
        if (accessStore != null) {
            accessStore.close();
        }
        authenticator = null;
        administration = null;
        accessStore = null;
    }

    /**
     * Time alone changes nonconformities (closing after the effectiveness period, risk acceptances expiring, due
     * dates passing) while no evidence arrives; edits to register.yml and assets.yml are taken in on the same beat.
     */
    private void startRegisterTimer() {
        long seconds = setting("annexa.register.tick-seconds").map(Long::parseLong).orElse(60L);
        registerTimer = Executors.newSingleThreadScheduledExecutor(threads);
        registerTimer.scheduleWithFixedDelay(() -> {
            try {
                registerConfig.reloadIfChanged().ifPresent(c -> register.configure(c.policy(), c.inventory()));
                register.tick().forEach(change -> LOG.info(() -> "nonconformity " + change.nonconformity().getId() + " "
                        + change.kind().name().toLowerCase(java.util.Locale.ROOT)));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the register's timed changes failed; retried at the next beat", e);
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    private void stopEvaluation() {
        if (registerTimer != null) {
            registerTimer.shutdownNow();
            registerTimer = null;
        }
        if (deployer != null) {
            deployer.close();
        }
        if (sources != null) {
            sources.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (repository != null) {
            repository.close();
        }
        sources = null;
        deployer = null;
        engine = null;
        repository = null;
    }

    public State state() {
        return state;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean isReady() {
        return state == State.READY && engine.isRunning() && sources.isStarted();
    }

    public Optional<AnnexaHome> home() {
        return Optional.ofNullable(home);
    }

    public Optional<ControlCatalog> catalog() {
        return Optional.ofNullable(catalog);
    }

    /** The readers of rule scenarios, for checking rules sent over the API. */
    public Optional<ScenarioInputs> scenarioInputs() {
        return Optional.ofNullable(scenarioInputs);
    }

    /** The organisation's Statement of Applicability decisions, by control id. */
    public Map<String, Applicability> applicability() {
        return applicability;
    }

    public Optional<NonconformityRepository> repository() {
        return Optional.ofNullable(repository);
    }

    public Optional<NonconformityRegister> register() {
        return Optional.ofNullable(register);
    }

    public Optional<EvaluationEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** Checks credentials; empty until access control is up (and after it failed to start). */
    public Optional<Authenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    public Optional<AccessAdministration> administration() {
        return Optional.ofNullable(administration);
    }

    public Optional<RuleDeployer> deployer() {
        return Optional.ofNullable(deployer);
    }

    public Optional<SourceRuntime> sources() {
        return Optional.ofNullable(sources);
    }
}
