package io.annexa.ingestion.log;

import io.annexa.evidence.AssetNames;
import io.annexa.ingestion.ConfigFileIngest;
import io.annexa.ingestion.SourceContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Service;

/**
 * The step of the {@code logs-follow} route, run on its timer: reads what was appended to each followed file
 * ({@code annexa.sources.logs.follow}) since the last run, like {@code tail -F}, and hands the events over.
 * A line's asset is the host it names, else this machine ({@code AnnexaAsset} header, set by the route).
 *
 * <p>A file that does not exist is skipped and said once in the log: following {@code /var/log/auth.log} on a
 * machine that logs elsewhere is not an error. A file that cannot be read is an error of the route, counted
 * once until it reads again, and the other files are still read. Positions are kept per route under
 * {@code <data>/offsets/<route id>.properties}.
 */
public final class LogFollowIngest implements Processor, Service {

    private static final Logger LOG = Logger.getLogger(LogFollowIngest.class.getName());
    /**
     * Off by default: this machine's own files are written by this machine's clock, so an old time in them is real
     * history (a first read, the backlog caught up after a restart), which moved to now would look like one burst.
     */
    static final String CLAMP_OLD = "annexa.sources.logs.clamp-old-timestamps";
    static final int LINES_PER_BATCH = 1000;
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final LogPipeline pipeline;
    private final Path offsetsFolder;
    private final List<Path> files;
    private final SyslogLineParser parser;
    private final Map<String, Map<Path, LogFollower>> followersByRoute = new HashMap<>();
    private final Set<Path> missing = new HashSet<>();
    private final Set<Path> failing = new HashSet<>();

    public LogFollowIngest(SourceContext context) {
        this(LogPipeline.live(context, CLAMP_OLD, false), context.dataDirectory().resolve("offsets"),
                context.setting("annexa.sources.logs.follow").orElse(""));
    }

    LogFollowIngest(LogPipeline pipeline, Path offsetsFolder, String files) {
        this.pipeline = pipeline;
        this.offsetsFolder = offsetsFolder;
        this.files = Arrays.stream(files.split(",")).map(String::strip).filter(f -> !f.isEmpty()).map(Path::of).toList();
        this.parser = new SyslogLineParser(Clock.systemUTC(), pipeline.zone());
    }

    @Override
    public synchronized void process(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        String thisHost = AssetNames.normalize(exchange.getIn().getHeader(ConfigFileIngest.ASSET_HEADER, String.class));
        for (LogFollower follower : followersByRoute.computeIfAbsent(routeId, this::followers).values()) {
            follow(routeId, follower, thisHost);
        }
    }

    /** One offset store (one properties file) per route, shared by its files. */
    private Map<Path, LogFollower> followers(String routeId) {
        OffsetStore offsets = new OffsetStore(offsetsFolder.resolve(routeId + ".properties"));
        Map<Path, LogFollower> followers = new LinkedHashMap<>();
        for (Path file : files) {
            followers.put(file, new LogFollower(file, offsets, LINES_PER_BATCH, MAX_LINE_BYTES));
        }
        return followers;
    }

    private void follow(String routeId, LogFollower follower, String thisHost) {
        Path file = follower.path();
        LogIntake intake = pipeline.intake(routeId, file.toString());
        try {
            boolean present = follower.poll(lines -> {
                for (LogLine line : lines) {
                    intake.line(parser, line, thisHost);
                }
                intake.flush();
            });
            if (!present && missing.add(file)) {
                LOG.info(() -> "route " + routeId + ": " + file + " does not exist; it is followed once it does");
            } else if (present && missing.remove(file)) {
                LOG.info(() -> "route " + routeId + ": " + file + " appeared; following it");
            }
            failing.remove(file);
        } catch (Exception e) {
            // One unreadable file must not keep the others from being read; counted once until it reads again.
            if (failing.add(file)) {
                String reason = file + ": cannot be followed: " + e;
                pipeline.monitor().failed(routeId, reason, false);
                LOG.log(Level.WARNING, "route " + routeId + ": " + reason, e);
            }
        }
    }

    @Override
    public void start() {
        // followers open their files on the first run
    }

    /** Closes the files: a stopped route must not keep rotated files open. Positions are on disk already. */
    @Override
    public synchronized void stop() {
        for (Map<Path, LogFollower> followers : followersByRoute.values()) {
            for (LogFollower follower : followers.values()) {
                try {
                    follower.close();
                } catch (IOException e) {
                    LOG.log(Level.FINE, "closing " + follower.path(), e);
                }
            }
        }
        followersByRoute.clear();
        missing.clear();
        failing.clear();
    }
}
