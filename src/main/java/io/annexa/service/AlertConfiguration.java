package io.annexa.service;

import io.annexa.alerting.AlertConfigException;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code config/alerts.yml} (receivers, routing tree), read at start and again whenever it changes. A file that is
 * refused keeps the routing in service (at start: no routing, nothing is sent); its problems are logged and shown at
 * {@code GET /api/alerts/config}. Alerting never stops Annexa from starting: monitoring goes on without it.
 */
public final class AlertConfiguration {

    private static final Logger LOG = Logger.getLogger(AlertConfiguration.class.getName());
    static final String DISPLAY = "config/alerts.yml";

    /** What {@code GET /api/alerts/config} shows: which routing is in service and why a newer file was refused. */
    public record Status(String file, boolean present, Instant loadedAt, Instant refusedAt, List<ConfigProblem> problems) {
    }

    private final Path file;
    private volatile AlertRouting routing = AlertRouting.empty();
    private volatile Instant loadedAt;
    private volatile Instant refusedAt;
    private volatile List<ConfigProblem> problems = List.of();
    private FileTime stamp;

    AlertConfiguration(Path configDirectory) {
        this.file = configDirectory.resolve("alerts.yml");
        this.stamp = stamp();
        load();
    }

    /** The routing in service: the last file that was read without problems. */
    public AlertRouting routing() {
        return routing;
    }

    public Status status() {
        return new Status(DISPLAY, Files.exists(file), loadedAt, refusedAt, problems);
    }

    /** @return true when the file changed and its new routing is in service */
    synchronized boolean reloadIfChanged() {
        FileTime now = stamp();
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        return load();
    }

    private boolean load() {
        try {
            // no file: nothing is routed, and that is no problem (alerting is optional)
            AlertRouting read = Files.exists(file) ? AlertRouting.read(file, DISPLAY) : AlertRouting.empty();
            routing = read;
            loadedAt = Instant.now();
            problems = List.of();
            refusedAt = null;
            LOG.info(() -> DISPLAY + " in service: " + read.receivers().size() + " receivers");
            return true;
        } catch (AlertConfigException e) {
            problems = e.problems();
            refusedAt = Instant.now();
            LOG.warning(DISPLAY + " refused, the routing in service stays:\n" + e.getMessage());
            return false;
        }
    }

    private FileTime stamp() {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
