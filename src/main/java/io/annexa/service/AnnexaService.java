package io.annexa.service;

import io.annexa.access.AccessAdministration;
import io.annexa.alerting.AlertDispatcher;
import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertSender;
import io.annexa.alerting.AlertStore;
import io.annexa.alerting.AlertTemplates;
import io.annexa.alerting.DispatchSettings;
import io.annexa.alerting.EmailSender;
import io.annexa.alerting.SmtpSettings;
import io.annexa.alerting.WebhookSender;
import io.annexa.evidence.RuleParameter;
import io.annexa.register.ChangeJournal;
import io.annexa.access.AccessStore;
import io.annexa.access.Authenticator;
import io.annexa.access.BootstrapAdmin;
import io.annexa.access.LoginSessions;
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
import io.annexa.register.RegisterScope;
import io.annexa.register.WriteFence;
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
import java.util.List;
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
    /** The engine standalone; this instance's partitions in cluster mode. */
    private volatile io.annexa.evaluation.Evaluation evaluation;
    private volatile ClusterMode cluster;
    private volatile SourceRuntime sources;
    private volatile RuleDeployer deployer;
    private volatile AccessStore accessStore;
    private volatile Authenticator authenticator;
    private volatile io.annexa.access.TrustedProxies trustedProxies = io.annexa.access.TrustedProxies.NONE;
    private volatile AccessAdministration administration;
    private volatile AlertStore alertStore;
    private volatile AlertOutbox alertOutbox;
    private volatile AlertConfiguration alertConfig;
    private volatile AlertDispatcher alertDispatcher;
    private volatile ScheduledExecutorService alertTimer;
    private volatile QuarantineAlerts quarantineAlerts;
    private volatile ScheduledExecutorService quarantineTimer;
    private volatile HostsConfiguration hostsConfig;
    private volatile ScheduledExecutorService hostsTimer;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Instant started = Instant.now();
        try {
            home = new AnnexaHome(AnnexaHome.locateHome(), Path.of(setting("annexa.data").orElse("./annexa-data")));
            LOG.info(() -> "Annexa home " + home.home() + ", data " + home.data());
            boolean clustered = clusterMode();
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
            ChangeJournal journal = openAlertOutbox();
            // in cluster mode each owned partition has a register of its own; this one only serves the API's lifecycle
            // actions, which it applies to the rows as they are in the database
            register = new NonconformityRegister(repository, registerConfig.policy(), registerConfig.inventory(), Clock.systemUTC(),
                    journal, clustered ? new RegisterScope(asset -> false, WriteFence.NONE, RegisterScope.Figures.NONE) : RegisterScope.WHOLE);
            startRegisterTimer(!clustered);
            startAlerts();
            int maxPendingEvents = setting("annexa.engine.max-pending-events").map(Integer::parseInt)
                    .orElse(EvaluationEngine.DEFAULT_MAX_PENDING_EVENTS);
            int maxPendingFacts = setting("annexa.engine.max-pending-facts").map(Integer::parseInt)
                    .orElse(EvaluationEngine.DEFAULT_MAX_PENDING_FACTS);
            io.annexa.evidence.EvidenceSink sink;
            if (clustered) {
                cluster = new ClusterMode(ClusterMode.settings(this::setting, hostName()), databaseSettings(), library, repository,
                        registerConfig, journal, threads, eventRetention(), maxPendingEvents, maxPendingFacts, this::recorded);
                cluster.start();
                evaluation = cluster.node();
                sink = cluster.publisher();
            } else {
                // the rules in service when the result is recorded: a deployment may have swapped them
                engine = new EvaluationEngine(library, result -> recorded(register.reconcile(result, id -> engine.library().enabledRule(id))),
                        threads, maxPendingEvents, maxPendingFacts, eventRetention());
                evaluation = engine;
                sink = engine;
            }
            startQuarantineAlerts();

            for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
                Files.createDirectories(home.inbox(kind.source()));
            }
            sources = new SourceRuntime(home.integrations(), fixedProperties(), new SourceContext(sink, new SourceMonitor(),
                    home.data(), this::setting, catalog, setting("annexa.sources.max-file-bytes").map(Long::parseLong).orElse(1_048_576L)));
            startHostInventory();
            sources.start();
            deployer = new RuleDeployer(home.rules(), home.config().resolve("rules.yml"), catalog, evaluation, threads,
                    setting("annexa.rules.reload-ms").map(Long::parseLong).orElse(5_000L),
                    setting("annexa.rules.deploy-wait-ms").map(Long::parseLong).map(Duration::ofMillis).orElse(RuleDeployer.DEFAULT_APPLY_WAIT));
            if (cluster != null) {
                RuleDeployer deploying = deployer;
                cluster.startRuleBroadcast(home.rules(), home.config().resolve("rules.yml"), deploying::deploy, threads);
            }
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
        } catch (InvalidSetting e) {
            fail("the settings cannot be used: " + e.getMessage(), null);
        } catch (Exception | LinkageError e) {
            fail("start-up failed: " + e, e);
        }
    }

    /**
     * Logs the register's changes (the dispatcher was woken as their alert events committed): each one, or for a larger
     * batch (a fleet's first read opens tens of thousands) their count by kind, as a line each made the log unreadable
     * and cost the evaluation thread seconds. Each change is in the audit trail either way.
     */
    private void recorded(List<NonconformityRegister.Change> changes) {
        if (changes.size() <= CHANGES_LOGGED_ONE_BY_ONE) {
            changes.forEach(change -> LOG.info(() -> "nonconformity " + change.nonconformity().getId() + " "
                    + change.kind().name().toLowerCase() + ": " + change.nonconformity().getRuleId()
                    + " on " + change.nonconformity().getAsset()));
        } else {
            LOG.info(() -> changes.size() + " nonconformity changes in one evaluation cycle: " + changes.stream()
                    .collect(java.util.stream.Collectors.groupingBy(change -> change.kind().name().toLowerCase(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                    + " (each one is in the audit trail)");
        }
    }

    private static final int CHANGES_LOGGED_ONE_BY_ONE = 20;

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
     * The outbox the register writes its alert events into, in the transaction of each change. Alerting that cannot be
     * set up is logged and left out: monitoring and the register go on without it.
     */
    private ChangeJournal openAlertOutbox() {
        try {
            alertStore = AlertStore.open(databaseSettings());
            alertOutbox = new AlertOutbox(alertStore, setting("annexa.public-url").orElse("http://localhost:8080"));
            // the dispatcher is woken as the alert events commit, not once the whole cycle returns: the register's
            // daily figures and last-seen writes after it stay off an alert's path
            alertOutbox.onCommitted(() -> {
                AlertDispatcher dispatcher = alertDispatcher;
                if (dispatcher != null) {
                    dispatcher.wakeUp();
                }
            });
            return alertOutbox;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "alerting cannot open its tables; nonconformities are recorded but not alerted", e);
            return ChangeJournal.NONE;
        }
    }

    /** config/alerts.yml and the dispatcher; its changes are taken in every annexa.alerts.reload-ms. */
    private void startAlerts() {
        if (alertStore == null) {
            return;
        }
        try {
            alertConfig = new AlertConfiguration(home.config());
            DispatchSettings dispatch = DispatchSettings.parse(setting("annexa.alerts.retry-schedule").orElse(null),
                    setting("annexa.alerts.max-age").orElse(null), setting("annexa.alerts.dispatch-threads").orElse(null),
                    setting("annexa.alerts.poll-interval").orElse(null), setting("annexa.alerts.claim-duration").orElse(null),
                    setting("annexa.alerts.instance-name")
                            // cluster mode: the instance's own name, kept across restarts, so a restarted instance takes its claims back
                            .or(() -> setting("annexa.mode").filter("cluster"::equals)
                                    .map(mode -> ClusterMode.settings(this::setting, hostName()).instanceId()))
                            .orElse(singleProcess(databaseSettings()) ? "standalone" : null));
            alertDispatcher = new AlertDispatcher(alertStore, alertConfig::routing, alertSenders(), dispatch, Clock.systemUTC(), threads);
            alertDispatcher.start();
            long reload = setting("annexa.alerts.reload-ms").map(Long::parseLong).orElse(5_000L);
            alertTimer = watch(AlertConfiguration.DISPLAY, reload, () -> {
                if (alertConfig.reloadIfChanged()) {
                    alertDispatcher.wakeUp();
                }
            });
        } catch (RuntimeException | java.io.IOException e) {
            LOG.log(Level.SEVERE, "alerting cannot start; nonconformities are recorded and their events kept for when it can", e);
        }
    }

    /**
     * config/hosts.yml for the collection over SSH, taken in again every annexa.collection.reload-ms when it changed; the
     * collection reads the inventory in service at each tick.
     */
    private void startHostInventory() {
        hostsConfig = new HostsConfiguration(home.config());
        sources.sshCollection().useInventory(hostsConfig::inventoryKnown);
        long reload = setting("annexa.collection.reload-ms").map(Long::parseLong).orElse(5_000L);
        hostsTimer = watch(HostsConfiguration.DISPLAY, reload, hostsConfig::reloadIfChanged);
    }

    /** Checks a watched file of config/ every {@code millis}; a failed check is logged and tried again. */
    private ScheduledExecutorService watch(String file, long millis, Runnable check) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads);
        timer.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, file + " could not be checked; checked again shortly", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return timer;
    }

    /**
     * Each rule the engine quarantines becomes one {@code rule.quarantined} event, checked every
     * {@code annexa.alerts.quarantine-poll-ms}. Without the outbox (alerting could not open its tables) there is nothing to do.
     */
    private void startQuarantineAlerts() {
        if (alertOutbox == null) {
            return;
        }
        io.annexa.evaluation.Evaluation running = evaluation;
        quarantineAlerts = new QuarantineAlerts(running::quarantines, id -> running.library().rule(id), catalog, alertOutbox,
                setting("annexa.public-url").orElse("http://localhost:8080"));
        long poll = setting("annexa.alerts.quarantine-poll-ms").map(Long::parseLong).orElse(5_000L);
        quarantineTimer = Executors.newSingleThreadScheduledExecutor(threads);
        quarantineTimer.scheduleWithFixedDelay(() -> {
            try {
                if (!quarantineAlerts.announceNew().isEmpty()) {
                    AlertDispatcher dispatcher = alertDispatcher;
                    if (dispatcher != null) {
                        dispatcher.wakeUp();
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "quarantined rules could not be announced; tried again shortly", e);
            }
        }, poll, poll, TimeUnit.MILLISECONDS);
    }

    /**
     * The delivery part's senders, made with the constructors of the alerts contract: a webhook sender following the
     * target policy of the routing in service (rebuilt when config/alerts.yml changes), and the e-mail sender.
     */
    private Map<String, AlertSender> alertSenders() throws java.io.IOException {
        Clock clock = Clock.systemUTC();
        Duration timeout = setting("annexa.alerts.webhook-timeout")
                .map(v -> DispatchSettings.duration("annexa.alerts.webhook-timeout", v)).orElse(Duration.ofSeconds(10));
        AlertSender webhooks = new CurrentWebhookSender(alertConfig::routing, routing -> new WebhookSender(routing.targetPolicy(), clock, timeout));
        AlertSender email = new EmailSender(SmtpSettings.from(config), AlertTemplates.load(home.config().resolve("templates")),
                SmtpSettings.timeout(config));
        return Map.of(AlertDispatcher.WEBHOOK, webhooks, AlertDispatcher.EMAIL, email);
    }

    /** The webhook sender for the target policy of the routing in service; made again when the routing changes. */
    private static final class CurrentWebhookSender implements AlertSender {
        private record Built(io.annexa.alerting.AlertRouting routing, AlertSender sender) {
        }

        private final java.util.function.Supplier<io.annexa.alerting.AlertRouting> routing;
        private final java.util.function.Function<io.annexa.alerting.AlertRouting, AlertSender> make;
        private final java.util.concurrent.atomic.AtomicReference<Built> built = new java.util.concurrent.atomic.AtomicReference<>();

        CurrentWebhookSender(java.util.function.Supplier<io.annexa.alerting.AlertRouting> routing,
                             java.util.function.Function<io.annexa.alerting.AlertRouting, AlertSender> make) {
            this.routing = routing;
            this.make = make;
        }

        @Override
        public io.annexa.alerting.DeliveryOutcome send(String deliveryId, io.annexa.alerting.Notification notification,
                                                       io.annexa.alerting.ReceiverConfig receiver) {
            io.annexa.alerting.AlertRouting now = routing.get();
            Built current = built.get();
            if (current == null || current.routing() != now) {
                current = new Built(now, make.apply(now));
                built.set(current);
            }
            return current.sender().send(deliveryId, notification, receiver);
        }
    }

    /**
     * Users and tokens come first: even when the rules cannot be used, an admin can sign in and see why.
     * The database schema is migrated here, before anything opens it.
     */
    private void startAccessControl() throws java.io.IOException {
        // a wrong entry stops the start with the setting and entry named, before anything else is opened
        trustedProxies = io.annexa.access.TrustedProxies.parse(setting(io.annexa.access.TrustedProxies.SETTING).orElse(""));
        DatabaseSettings database = databaseSettings();
        DatabaseMigrations.migrate(database);
        accessStore = AccessStore.open(database.url(), database.user(), database.password());
        PasswordHasher hasher = new PasswordHasher();
        Clock clock = Clock.systemUTC();
        Duration window = Duration.ofSeconds(setting("annexa.auth.failure-window-seconds").map(Long::parseLong).orElse(300L));
        authenticator = new Authenticator(accessStore, hasher,
                new LoginThrottle(setting("annexa.auth.max-failures-per-user").map(Integer::parseInt).orElse(5), window, clock),
                new LoginThrottle(setting("annexa.auth.max-failures-per-address").map(Integer::parseInt).orElse(20), window, clock),
                new LoginSessions(
                        setting("annexa.auth.session.idle-timeout").map(RuleParameter::parseDuration).orElse(Duration.ofMinutes(30)),
                        setting("annexa.auth.session.max-lifetime").map(RuleParameter::parseDuration).orElse(Duration.ofHours(8)),
                        clock),
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

    /**
     * {@code annexa.mode}: standalone (the default: evaluates everything itself) or cluster (shares the estate with other
     * instances through Kafka, on a shared PostgreSQL register).
     */
    private boolean clusterMode() {
        String mode = setting("annexa.mode").orElse("standalone");
        if (!mode.equals("standalone") && !mode.equals("cluster")) {
            throw new InvalidSetting("annexa.mode must be standalone or cluster, not '" + mode + "'");
        }
        if (mode.equals("cluster")) {
            try {
                ClusterMode.requireSharedDatabase(databaseSettings());
                ClusterMode.settings(this::setting, hostName());
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting(e.getMessage());
            }
        }
        return mode.equals("cluster");
    }

    /** A setting whose value cannot be used: the start stops, naming it. */
    private static final class InvalidSetting extends RuntimeException {
        InvalidSetting(String message) {
            super(message);
        }
    }

    /**
     * An H2 file database without AUTO_SERVER is open in one process at a time: its one instance keeps one name across
     * restarts, so after a crash it takes its alert claims back at once instead of waiting for them to end.
     */
    private static boolean singleProcess(DatabaseSettings database) {
        String url = database.url().toUpperCase(java.util.Locale.ROOT);
        return url.startsWith("JDBC:H2:FILE:") && !url.contains("AUTO_SERVER=TRUE");
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
    private void startRegisterTimer(boolean tick) {
        long seconds = setting("annexa.register.tick-seconds").map(Long::parseLong).orElse(60L);
        registerTimer = Executors.newSingleThreadScheduledExecutor(threads);
        registerTimer.scheduleWithFixedDelay(() -> {
            try {
                registerConfig.reloadIfChanged().ifPresent(c -> register.configure(c.policy(), c.inventory()));
                if (!tick) {
                    return;
                }
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
        if (alertTimer != null) {
            alertTimer.shutdownNow();
            alertTimer = null;
        }
        if (quarantineTimer != null) {
            quarantineTimer.shutdownNow();
            quarantineTimer = null;
        }
        if (hostsTimer != null) {
            hostsTimer.shutdownNow();
            hostsTimer = null;
        }
        if (alertDispatcher != null) {
            alertDispatcher.close();
            alertDispatcher = null;
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
        if (cluster != null) {
            cluster.close();
        }
        if (repository != null) {
            repository.close();
        }
        if (alertStore != null) {
            alertStore.close();
            alertStore = null;
        }
        sources = null;
        deployer = null;
        engine = null;
        cluster = null;
        evaluation = null;
        repository = null;
    }

    public State state() {
        return state;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean isReady() {
        ClusterMode clustered = cluster;
        return state == State.READY && evaluation.isRunning() && sources.isStarted()
                && (clustered == null || clustered.node().ready());
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

    /** What evaluates: the engine standalone, this instance's partitions in cluster mode. */
    public Optional<io.annexa.evaluation.Evaluation> engine() {
        return Optional.ofNullable(evaluation);
    }

    /** This instance's part in the cluster; empty standalone ({@code annexa.mode=standalone}, the default). */
    public Optional<ClusterMode> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** The proxies whose X-Forwarded-Proto is believed ({@code annexa.http.trusted-proxies}); none until access control is up. */
    public io.annexa.access.TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** Checks credentials; empty until access control is up (and after it failed to start). */
    public Optional<Authenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    public Optional<AccessAdministration> administration() {
        return Optional.ofNullable(administration);
    }

    /** The alert tables: deliveries, receivers' state, silences. */
    public Optional<AlertStore> alertStore() {
        return Optional.ofNullable(alertStore);
    }

    /** The standalone events' entry (the engine's rule.quarantined). */
    public Optional<AlertOutbox> alertOutbox() {
        return Optional.ofNullable(alertOutbox);
    }

    /** config/hosts.yml: the inventory in service and why a newer file was refused. */
    public Optional<HostsConfiguration> hostsConfiguration() {
        return Optional.ofNullable(hostsConfig);
    }

    public Optional<AlertConfiguration> alertConfiguration() {
        return Optional.ofNullable(alertConfig);
    }

    public Optional<AlertDispatcher> alertDispatcher() {
        return Optional.ofNullable(alertDispatcher);
    }

    public Optional<RuleDeployer> deployer() {
        return Optional.ofNullable(deployer);
    }

    public Optional<SourceRuntime> sources() {
        return Optional.ofNullable(sources);
    }
}
