package io.annexa.ingestion;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The Camel side of Annexa: one {@link CamelContext} running every {@code *.camel.yaml} route of the
 * home's {@code integrations/} folder. Routes refer to Annexa's processors by name
 * ({@code sshdConfigIngest}, {@code deadLetters}) and to settings by {@code {{placeholder}}}, which
 * resolve against the same configuration as the rest of Annexa.
 */
public final class SourceRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SourceRuntime.class.getName());

    /** One route as the API shows it. */
    public record RouteStatus(String routeId, String kind, String state, SourceMonitor.Counters counters, String endpoint,
                              Duration expectedInterval, boolean silent) {
    }

    private final CamelContext camel = new DefaultCamelContext();
    private final SourceMonitor monitor;
    private final SourceContext context;
    private final SilenceWatch silence;
    private final EvidenceLedger ledger;
    private final FileChanges changes;
    private final FolderEvents folderEvents;
    private ScheduledExecutorService checks;

    /**
     * @param integrations folder of {@code *.camel.yaml} route files
     * @param fixed        properties computed at start-up (absolute data directory, host name), which win
     *                     over {@code context.settings()} for placeholders
     */
    public SourceRuntime(Path integrations, Map<String, String> fixed, SourceContext context) throws Exception {
        camel.getCamelContextExtension().setName("annexa");
        Properties overrides = new Properties();
        overrides.putAll(fixed);
        camel.getPropertiesComponent().setOverrideProperties(overrides);
        camel.getPropertiesComponent().addPropertiesSource(new PropertiesSource() {
            @Override
            public String getName() {
                return "annexa-config";
            }

            @Override
            public String getProperty(String name) {
                return context.settings().apply(name).orElse(null);
            }
        });
        this.monitor = context.monitor();
        this.context = context;
        this.silence = new SilenceWatch(context.monitor(), context.sink(), Clock.systemUTC(),
                SavedNames.in(context.dataDirectory().resolve("state").resolve("silent-routes.txt"), "routes reported silent"));
        this.ledger = EvidenceLedger.of(context);
        ledger.useFolders(this::folderOf);
        this.changes = FileChanges.at(context.dataDirectory().resolve("state").resolve("file-reads.tsv"));
        this.folderEvents = FolderEvents.of(context);
        changes.whenForgotten(folderEvents::readAgain);
        SourceBindings.bindAll(camel.getRegistry(), context, ledger, changes, folderEvents);
        PluginHelper.getRoutesLoader(camel).loadRoutes(routeFiles(integrations));
    }

    private List<Resource> routeFiles(Path integrations) throws IOException {
        if (!Files.isDirectory(integrations)) {
            throw new IOException("integrations folder " + integrations + " does not exist");
        }
        try (Stream<Path> files = Files.list(integrations)) {
            List<Resource> resources = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                resources.add(ResourceHelper.resolveMandatoryResource(camel, "file:" + file.toAbsolutePath()));
            }
            return resources;
        }
    }

    /**
     * Starts the routes, the silence checks, and the evidence checks: at once (what went away while Annexa was down)
     * and then every inbox poll period.
     */
    public void start() {
        camel.start();
        long every = context.setting("annexa.sources.silence-check-ms").map(Long::parseLong).orElse(60_000L);
        long poll = context.setting("annexa.sources.inbox.poll-ms").map(Long::parseLong).orElse(2_000L);
        checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "annexa-source-checks");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(this::checkSilence, every, every, TimeUnit.MILLISECONDS);
        checks.scheduleWithFixedDelay(this::checkEvidence, 0, poll, TimeUnit.MILLISECONDS);
    }

    /** The folder a file route reads, as its endpoint resolved it. */
    private java.util.Optional<Path> folderOf(String routeId) {
        Route route = camel.getRoute(routeId);
        if (route != null && route.getEndpoint() instanceof org.apache.camel.component.file.GenericFileEndpoint<?> files
                && files.getConfiguration().getDirectory() != null) {
            return java.util.Optional.of(Path.of(files.getConfiguration().getDirectory()));
        }
        return java.util.Optional.empty();
    }

    /**
     * Withdraws the evidence of files that are gone ({@link EvidenceLedger}) and saves which files were read
     * ({@link FileChanges}); also run by tests directly.
     */
    public void checkEvidence() {
        try {
            ledger.sweep(camel.getRoutes().stream().map(Route::getRouteId).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot check sources for deleted files", e);
        }
        changes.saveIfChanged();
    }

    /** Which files the file routes have read in this run, and which version. */
    public FileChanges fileChanges() {
        return changes;
    }

    /** Reports routes that stayed silent past their expected interval; also run by tests directly. */
    public void checkSilence() {
        try {
            Map<String, SilenceWatch.Expectation> expectations = new HashMap<>();
            for (Route route : camel.getRoutes()) {
                expectedInterval(route.getRouteId()).ifPresent(interval ->
                        expectations.put(route.getRouteId(), new SilenceWatch.Expectation(kind(route), interval)));
            }
            silence.check(expectations);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot check sources for silence", e);
        }
    }

    /** {@code annexa.sources.<route id>.expected-interval-ms}; routes without it are never silent. */
    private Optional<Duration> expectedInterval(String routeId) {
        return context.setting("annexa.sources." + routeId + ".expected-interval-ms").map(Long::parseLong).map(Duration::ofMillis);
    }

    /** The route's group in its YAML file names the kind of evidence it delivers; else the route id. */
    private static String kind(Route route) {
        return route.getGroup() == null || route.getGroup().isBlank() ? route.getRouteId() : route.getGroup();
    }

    public boolean isStarted() {
        return camel.isStarted();
    }

    public List<RouteStatus> routes() {
        List<RouteStatus> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            routes.add(new RouteStatus(route.getRouteId(), kind(route), status == null ? "Unknown" : status.name(),
                    monitor.counters(route.getRouteId()), route.getEndpoint().getEndpointBaseUri(),
                    expectedInterval(route.getRouteId()).orElse(null), silence.isSilent(route.getRouteId())));
        }
        return routes;
    }

    public SourceMonitor monitor() {
        return monitor;
    }

    /** The collection over SSH, to be given the host inventory ({@code config/hosts.yml}). */
    public io.annexa.ingestion.ssh.SshCollection sshCollection() {
        return camel.getRegistry().lookupByNameAndType(SourceBindings.SSH_COLLECTION, io.annexa.ingestion.ssh.SshCollection.class);
    }

    public CamelContext camel() {
        return camel;
    }

    @Override
    public void close() {
        if (checks != null) {
            checks.shutdownNow();
        }
        io.annexa.ingestion.ssh.SshCollection ssh = sshCollection();
        camel.stop();
        if (ssh != null) {
            ssh.close();
        }
        folderEvents.close();
        // after the routes: nothing is recorded any more, and the next start begins from all that was
        ledger.close();
        changes.saveIfChanged();
    }
}
