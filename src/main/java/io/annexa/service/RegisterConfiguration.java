package io.annexa.service;

import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetInventoryReader;
import io.annexa.register.policy.RegisterConfigException;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.register.policy.RegisterPolicyReader;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code config/register.yml} (requirements, grading, escalation, lifecycle periods) and {@code config/assets.yml}
 * (the asset inventory), read at start and again whenever either file changes. A broken file at start stops
 * Annexa with every problem listed; a broken edit while running is logged and the last good configuration stays.
 */
final class RegisterConfiguration {

    private static final Logger LOG = Logger.getLogger(RegisterConfiguration.class.getName());

    record Loaded(RegisterPolicy policy, AssetInventory inventory) {
    }

    private final Path policyFile;
    private final Path inventoryFile;
    private Loaded current;
    private List<FileTime> stamps;

    RegisterConfiguration(Path configDirectory) throws RegisterConfigException {
        this.policyFile = configDirectory.resolve("register.yml");
        this.inventoryFile = configDirectory.resolve("assets.yml");
        this.stamps = stamps();
        this.current = load();
    }

    RegisterPolicy policy() {
        return current.policy();
    }

    AssetInventory inventory() {
        return current.inventory();
    }

    /** @return the new configuration when a file changed and reads well */
    Optional<Loaded> reloadIfChanged() {
        List<FileTime> now = stamps();
        if (now.equals(stamps)) {
            return Optional.empty();
        }
        stamps = now;
        try {
            current = load();
            LOG.info("register configuration reloaded from " + policyFile + " and " + inventoryFile);
            return Optional.of(current);
        } catch (RegisterConfigException e) {
            LOG.warning("register configuration not reloaded, the previous one stays in use:\n" + String.join("\n", e.problems()));
            return Optional.empty();
        }
    }

    private Loaded load() throws RegisterConfigException {
        return new Loaded(RegisterPolicyReader.read(policyFile), AssetInventoryReader.read(inventoryFile));
    }

    private List<FileTime> stamps() {
        return List.of(WatchedConfigFile.lastModified(policyFile), WatchedConfigFile.lastModified(inventoryFile));
    }
}
