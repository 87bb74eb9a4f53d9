package io.annexa.ingestion;

import org.apache.camel.spi.Registry;

/**
 * Binds every processor the route files may refer to by name. Configuration kinds are bound from
 * {@link ConfigParsers}; other sources add one line here.
 */
final class SourceBindings {

    /** The collection over SSH: the ssh-collection route's tick, and what the service gives the inventory to. */
    static final String SSH_COLLECTION = "sshCollection";

    private SourceBindings() {
    }

    static void bindAll(Registry registry, SourceContext context, EvidenceLedger ledger, FileChanges changes, FolderEvents events) {
        registry.bind("deadLetters", DeadLetters.of(context));
        // the file routes' idempotentRepository and sorter
        registry.bind("fileChanges", changes);
        registry.bind("changedFirst", changes.changedFirst());
        // the inbox routes' pollStrategy: list a folder only when something happened in it
        registry.bind("folderEvents", events);
        java.util.Set<String> overrideRoutes = ConfigFileIngest.overrideRoutes(context.setting(ConfigFileIngest.OVERRIDE_ROUTES_SETTING));
        for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
            registry.bind(kind.bean(), new ConfigFileIngest(kind.source(), ledger, changes, context.monitor(), context.maxFileBytes(),
                    overrideRoutes));
        }
        // other sources: one line each, below this comment, in alphabetical order
        registry.bind("accountQueryIngest", new io.annexa.ingestion.accounts.AccountQueryIngest(context));
        io.annexa.ingestion.host.HostSnapshotIngest hosts = new io.annexa.ingestion.host.HostSnapshotIngest(context, ledger);
        registry.bind("hostArchiveIngest", hosts.archive());
        registry.bind("hostFolderIngest", hosts.folder());
        registry.bind("hostFoldersChanged", hosts.changedFolders());
        registry.bind("jsonInventoryIngest", new io.annexa.ingestion.http.JsonInventoryIngest(context));
        registry.bind("logFileIngest", new io.annexa.ingestion.log.LogFileIngest(context));
        registry.bind("logFollowIngest", new io.annexa.ingestion.log.LogFollowIngest(context));
        registry.bind("logsInboxRead", io.annexa.ingestion.log.LogFileIngest.readFiles(context));
        registry.bind(SSH_COLLECTION, io.annexa.ingestion.ssh.SshCollection.of(context));
        registry.bind("syslogFrameDecoder", new io.annexa.ingestion.log.SyslogFrameDecoderFactory(context));
        registry.bind("syslogIngest", new io.annexa.ingestion.log.SyslogIngest(context));
        registry.bind("tlsProbeIngest", new io.annexa.ingestion.tls.TlsProbeIngest(context));
        registry.bind("xccdfIngest", new io.annexa.ingestion.xccdf.XccdfIngest(context, ledger));
    }
}
