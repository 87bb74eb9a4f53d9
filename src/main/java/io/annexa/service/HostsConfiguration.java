package io.annexa.service;

import io.annexa.ingestion.ssh.HostInventory;
import io.annexa.ingestion.ssh.HostInventoryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code config/hosts.yml} (the hosts collected over SSH), read at start and again whenever it changes, like
 * {@code config/alerts.yml}: a file that is refused keeps the inventory in service (at start: no hosts), and its
 * problems are logged with file, line and column. Collection never stops Annexa from starting.
 */
public final class HostsConfiguration {

    private static final Logger LOG = Logger.getLogger(HostsConfiguration.class.getName());
    static final String DISPLAY = "config/hosts.yml";

    /** Which inventory is in service, and why a newer file was refused. */
    public record Status(String file, boolean present, int hosts, Instant loadedAt, Instant refusedAt, List<String> problems) {
    }

    private final Path file;
    private volatile HostInventory inventory = HostInventory.empty();
    private volatile Instant loadedAt;
    private volatile Instant refusedAt;
    private volatile List<String> problems = List.of();
    private FileTime stamp;

    HostsConfiguration(Path configDirectory) {
        this.file = configDirectory.resolve("hosts.yml");
        this.stamp = stamp();
        load();
    }

    /** The inventory in service: the last file that was read without problems. */
    public HostInventory inventory() {
        return inventory;
    }

    public Status status() {
        return new Status(DISPLAY, Files.exists(file), inventory.hosts().size(), loadedAt, refusedAt, problems);
    }

    /** @return true when the file changed and its new inventory is in service */
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
            HostInventory read = HostInventoryReader.read(file, DISPLAY);
            inventory = read;
            loadedAt = Instant.now();
            problems = List.of();
            refusedAt = null;
            LOG.info(() -> DISPLAY + " in service: " + read.hosts().size() + " hosts");
            return true;
        } catch (HostInventoryReader.InventoryException e) {
            problems = e.problems();
            refusedAt = Instant.now();
            LOG.warning(DISPLAY + " refused, the inventory in service stays:\n" + e.getMessage());
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
