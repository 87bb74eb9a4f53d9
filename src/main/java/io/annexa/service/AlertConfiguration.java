package io.annexa.service;

import io.annexa.alerting.AlertConfigException;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code config/alerts.yml} (receivers, routing tree), read at start and again whenever it changes. A file that is
 * refused keeps the routing in service (at start: no routing, nothing is sent); its problems are logged and shown at
 * {@code GET /api/alerts/config}. Alerting never stops Annexa from starting: monitoring goes on without it.
 */
public final class AlertConfiguration {

    static final String DISPLAY = "config/alerts.yml";

    /** What {@code GET /api/alerts/config} shows: which routing is in service and why a newer file was refused. */
    public record Status(String file, boolean present, Instant loadedAt, Instant refusedAt, List<ConfigProblem> problems) {
    }

    private final WatchedConfigFile<AlertRouting, ConfigProblem> watched;

    AlertConfiguration(Path configDirectory) {
        this.watched = new WatchedConfigFile<>(configDirectory.resolve("alerts.yml"), DISPLAY, AlertRouting.empty(),
                AlertConfiguration::read, routing -> routing.receivers().size() + " receivers");
    }

    private static WatchedConfigFile.Read<AlertRouting, ConfigProblem> read(Path file) {
        if (!Files.exists(file)) {
            return WatchedConfigFile.Read.accepted(AlertRouting.empty()); // alerting is optional: nothing is routed
        }
        try {
            return WatchedConfigFile.Read.accepted(AlertRouting.read(file, DISPLAY));
        } catch (AlertConfigException e) {
            return WatchedConfigFile.Read.refused(e.problems(), e.getMessage());
        }
    }

    /** The routing in service: the last file that was read without problems. */
    public AlertRouting routing() {
        return watched.inService();
    }

    public Status status() {
        return new Status(DISPLAY, watched.present(), watched.loadedAt(), watched.refusedAt(), watched.problems());
    }

    /** @return true when the file changed and its new routing is in service */
    boolean reloadIfChanged() {
        return watched.reloadIfChanged();
    }
}
