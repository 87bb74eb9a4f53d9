package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The project's real routes ({@code integrations/*.camel.yaml}) in a real {@link SourceRuntime} on the real
 * defaults of {@code config/annexa.properties}, with every source off or looking at an empty folder: a test turns
 * on the sources it is about, and this machine's own files, logs and ports never get into its sink.
 *
 * <pre>{@code
 * IsolatedSources sources = IsolatedSources.in(temp).local("sshd-config", etcSsh).start(sink);
 * }</pre>
 */
public final class IsolatedSources implements AutoCloseable {

    private final Path data;
    private final Path localRoot;
    private final Properties defaults = new Properties();
    private final Properties settings = new Properties();
    private SourceRuntime runtime;

    private IsolatedSources(Path data) throws IOException {
        this.data = data;
        this.localRoot = Files.createDirectories(data.resolve("local-root"));
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            defaults.load(in);
        }
        settings.putAll(defaults);
        Path empty = Files.createDirectories(data.resolve("empty"));
        for (String key : defaults.stringPropertyNames()) {
            // Optional sources (samples, HTTP, accounts) would deliver on their own and a listener's fixed port
            // would clash with other tests; the local routes would read this machine's real files.
            if (key.endsWith(".enabled")) {
                settings.setProperty(key, "false");
            } else if (key.endsWith(".local.dir") || key.endsWith(".local.root")) {
                settings.setProperty(key, empty.toString());
            }
        }
        // The follower skips a missing file; the shipped /var/log/auth.log is this machine's.
        settings.setProperty("annexa.sources.logs.follow", data.resolve("no-such.log").toString());
        // Empty as shipped, and kept so should the shipped file ever name an endpoint: a probe leaves the machine.
        settings.setProperty("annexa.sources.tls.targets", "");
        // Tests wait for what they drop into the inbox; the shipped 2 s would make every one of them slow.
        settings.setProperty("annexa.sources.inbox.poll-ms", "100");
    }

    /** Sources keeping their data (inbox, dead letters, offsets) under {@code data}, not yet started. */
    public static IsolatedSources in(Path data) throws IOException {
        return new IsolatedSources(data);
    }

    public IsolatedSources with(String key, String value) {
        settings.setProperty(key, value);
        return this;
    }

    /** Back to what {@code config/annexa.properties} ships, for tests about that default. */
    public IsolatedSources withDefault(String key) {
        settings.setProperty(key, defaults.getProperty(key));
        return this;
    }

    /**
     * The local route of a kind ({@code sshd-config}, {@code login-defs}, ...) reads {@code dir} as if it were this
     * machine's, every 100 ms, with includes resolved under {@link #localRoot()} where the kind has a root.
     */
    public IsolatedSources local(String kind, Path dir) {
        String prefix = "annexa.sources." + kind + ".local.";
        settings.setProperty(prefix + "dir", dir.toString());
        settings.setProperty(prefix + "period-ms", "100");
        if (defaults.containsKey(prefix + "root")) {
            settings.setProperty(prefix + "root", localRoot.toString());
        }
        return this;
    }

    public IsolatedSources start(EvidenceSink sink) throws Exception {
        // What AnnexaService computes at start-up: the home is the project itself, the data folder the test's.
        Map<String, String> fixed = new HashMap<>();
        fixed.put("annexa.home", ProjectFiles.root().toString());
        fixed.put("annexa.data", data.toString());
        fixed.put("annexa.inbox", inbox().toString());
        fixed.put("annexa.host.name", "testhost");
        runtime = new SourceRuntime(ProjectFiles.integrations(), fixed, new SourceContext(sink, new SourceMonitor(), data,
                this::setting, ControlCatalog.load(), Long.parseLong(setting("annexa.sources.max-file-bytes").orElseThrow())));
        runtime.start();
        assertThat(runtime.isStarted()).isTrue();
        return this;
    }

    /** As AnnexaService reads settings: an empty value is no value. */
    private Optional<String> setting(String key) {
        return Optional.ofNullable(settings.getProperty(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public Path inbox() {
        return data.resolve("inbox");
    }

    /** The {@code /} under which the local routes of {@link #local} resolve their includes. */
    public Path localRoot() {
        return localRoot;
    }

    public List<SourceRuntime.RouteStatus> routes() {
        return runtime.routes();
    }

    public SourceRuntime.RouteStatus route(String id) {
        return runtime.routes().stream().filter(r -> r.routeId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + id + " in " + runtime.routes()));
    }

    /**
     * Waits until the route has polled its folder {@code polls} more times from now, start to end: what it did not
     * read by then, it does not read while nothing changes.
     */
    public void awaitPolls(String routeId, int polls) {
        org.apache.camel.support.ScheduledPollConsumer consumer =
                (org.apache.camel.support.ScheduledPollConsumer) runtime.camel().getRoute(routeId).getConsumer();
        // the counter moves when a poll starts: one more so that the last one counted has ended
        long until = consumer.getCounter() + polls + 1;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> consumer.getCounter() >= until);
    }

    /** The runtime started last, for what the helpers here do not cover. */
    public SourceRuntime runtime() {
        return runtime;
    }

    /** Runs the check for deleted files now, as the runtime does every poll period. */
    public void checkEvidence() {
        runtime.checkEvidence();
    }

    /** Where a route's evidence ledger is kept. */
    public Path ledger(String routeId) {
        return data.resolve("state").resolve("evidence-ledger").resolve(routeId + ".tsv");
    }

    public Path deadLetters(String routeId) {
        return data.resolve("dead-letter").resolve(routeId);
    }

    /** The {@code .reason} files of a route's dead letters, in name order; none while the route rejected nothing. */
    public List<Path> reasonFiles(String routeId) throws IOException {
        Path folder = deadLetters(routeId);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".reason")).sorted().toList();
        }
    }

    public List<String> reasons(String routeId) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path file : reasonFiles(routeId)) {
            texts.add(Files.readString(file));
        }
        return texts;
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }
}
