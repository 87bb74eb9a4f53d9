package io.annexa.service;

import io.annexa.ingestion.ssh.HostInventory;
import io.annexa.ingestion.ssh.HostInventoryReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code config/hosts.yml} (the hosts collected over SSH), read at start and again whenever it changes, like
 * {@code config/alerts.yml}: a file that is refused keeps the inventory in service (at start: no hosts), and its
 * problems are logged with file, line and column. Collection never stops Annexa from starting.
 */
public final class HostsConfiguration {

    static final String DISPLAY = "config/hosts.yml";

    /** Which inventory is in service, and why a newer file was refused. */
    public record Status(String file, boolean present, int hosts, Instant loadedAt, Instant refusedAt, List<String> problems) {
    }

    private final WatchedConfigFile<HostInventory, String> watched;

    HostsConfiguration(Path configDirectory) {
        this.watched = new WatchedConfigFile<>(configDirectory.resolve("hosts.yml"), DISPLAY, HostInventory.empty(),
                HostsConfiguration::read, inventory -> inventory.hosts().size() + " hosts");
    }

    private static WatchedConfigFile.Read<HostInventory, String> read(Path file) {
        try {
            return WatchedConfigFile.Read.accepted(HostInventoryReader.read(file, DISPLAY));
        } catch (HostInventoryReader.InventoryException e) {
            return WatchedConfigFile.Read.refused(e.problems(), e.getMessage());
        }
    }

    /** The inventory in service: the last file that was read without problems. */
    public HostInventory inventory() {
        return watched.inService();
    }

    /**
     * What the collection reads at each tick: the inventory in service, or null while none is, because the file was
     * refused since start. A host failing before the restart is then not taken for a host removed.
     */
    HostInventory inventoryKnown() {
        return watched.loadedAt() == null ? null : watched.inService();
    }

    public Status status() {
        return new Status(DISPLAY, watched.present(), inventory().hosts().size(), watched.loadedAt(), watched.refusedAt(),
                watched.problems());
    }

    /** @return true when the file changed and its new inventory is in service */
    boolean reloadIfChanged() {
        return watched.reloadIfChanged();
    }
}
