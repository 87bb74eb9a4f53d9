package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The project's real routes ({@code integrations/}) with the real default settings, in a real
 * {@link SourceRuntime}; only data folder, local paths, poll periods and the syslog port are the test's,
 * the syslog receiver is on, and the bundled samples are off so the sink holds only what the test sent.
 */
final class LogSourcesRuntime implements AutoCloseable {

    final Path data;
    final Path inbox;
    final Properties settings = new Properties();
    final CollectingSink sink = new CollectingSink();
    final SourceMonitor monitor = new SourceMonitor();
    private SourceRuntime runtime;
    private io.annexa.evidence.EvidenceSink target = sink;

    LogSourcesRuntime(Path data) throws IOException {
        this.data = data;
        this.inbox = data.resolve("inbox");
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            settings.load(in);
        }
        settings.setProperty("annexa.sources.samples.enabled", "false");
        settings.setProperty("annexa.sources.inbox.poll-ms", "100");
        settings.setProperty("annexa.sources.sshd-config.local.dir", Files.createDirectories(data.resolve("local-etc-ssh")).toString());
        settings.setProperty("annexa.sources.sshd-config.local.root", Files.createDirectories(data.resolve("local-root")).toString());
        settings.setProperty("annexa.sources.logs.follow", "");
        settings.setProperty("annexa.sources.logs.follow-period-ms", "100");
        settings.setProperty("annexa.sources.syslog.enabled", "true");
        settings.setProperty("annexa.sources.syslog.port", Integer.toString(freeUdpAndTcpPort()));
    }

    LogSourcesRuntime set(String key, String value) {
        settings.setProperty(key, value);
        return this;
    }

    /** Hands over to {@code target} instead of {@link #sink} (a real engine, for what depends on its pace). */
    LogSourcesRuntime into(io.annexa.evidence.EvidenceSink target) {
        this.target = target;
        return this;
    }

    LogSourcesRuntime start() throws Exception {
        Map<String, String> fixed = new HashMap<>();
        fixed.put("annexa.home", ProjectFiles.root().toString());
        fixed.put("annexa.data", data.toString());
        fixed.put("annexa.inbox", inbox.toString());
        fixed.put("annexa.host.name", "testhost");
        runtime = new SourceRuntime(ProjectFiles.integrations(), fixed, new SourceContext(target, monitor, data,
                name -> Optional.ofNullable(settings.getProperty(name)), ControlCatalog.load(),
                Long.parseLong(settings.getProperty("annexa.sources.max-file-bytes"))));
        runtime.start();
        assertThat(runtime.isStarted()).isTrue();
        return this;
    }

    int syslogPort() {
        return Integer.parseInt(settings.getProperty("annexa.sources.syslog.port"));
    }

    SourceRuntime.RouteStatus route(String id) {
        return runtime.routes().stream().filter(r -> r.routeId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + id + " in " + runtime.routes()));
    }

    SourceMonitor.Counters counters(String routeId) {
        return monitor.counters(routeId);
    }

    List<LogEvent> events() {
        return sink.events().stream().map(LogEvent.class::cast).toList();
    }

    /** The .reason files of a route's dead letters (whole inputs), oldest first. */
    List<String> deadLetterReasons(String routeId) throws IOException {
        return deadLetters(routeId, ".reason");
    }

    /** The files of rejected lines and messages of a route ({@code .dead-letter}, one per input), oldest first. */
    List<String> rejectedItems(String routeId) throws IOException {
        return deadLetters(routeId, io.annexa.ingestion.DeadLetters.ITEMS_SUFFIX);
    }

    /** Every file in the route's dead-letter folder. */
    List<Path> deadLetterFiles(String routeId) throws IOException {
        Path folder = data.resolve("dead-letter").resolve(routeId);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private List<String> deadLetters(String routeId, String suffix) throws IOException {
        Path folder = data.resolve("dead-letter").resolve(routeId);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    /** A port free for both UDP and TCP on the loopback address, as the syslog routes bind both. */
    private static int freeUdpAndTcpPort() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback); DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), loopback)) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // the UDP port of that number is in use; try another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
