package io.annexa.ingestion.host;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.EvidenceLedger;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The steps of the host snapshot routes ({@code integrations/hosts.camel.yaml}): a snapshot dropped as
 * {@code <inbox>/hosts/<asset>/} (a folder laid out as the host's {@code /}) or as {@code <inbox>/hosts/<asset>.tar.gz}
 * is checked against {@link SnapshotLimits}, read by {@link HostSnapshotReader} and handed over as one input that
 * replaces the asset's previous snapshot from the same route, every kind at once
 * ({@link io.annexa.evidence.EvidenceSink#replaceSnapshot}). Deleting the folder or archive withdraws the evidence.
 *
 * <p>A folder is read once it has stayed unchanged for one poll; a snapshot moved in anew is seen at once, a file
 * edited in place inside one within {@code annexa.sources.inbox.rescan-ms} ({@link SnapshotFolders}).
 *
 * <p>A snapshot that is unsafe or too large (see {@link SnapshotArchive}, {@link SnapshotFolder}) is refused with the
 * reason, counted {@value SourceMonitor#SNAPSHOT_REFUSED}, and dead-lettered by the shared error handler like a file
 * that does not parse; the route goes on, and the asset's previous snapshot stays in force.
 *
 * <p>The asset is the folder's name, or the archive's without {@code .tar.gz}, followed by the {@code AnnexaAssetSuffix}
 * header the route may set ({@code .sample} for the bundled samples).
 */
public final class HostSnapshotIngest {

    public static final String ARCHIVE_SUFFIX = ".tar.gz";
    /** Header: where a folder route's snapshot folders lie. */
    public static final String FOLDER_HEADER = "AnnexaSnapshotFolder";
    /** Header: what follows the folder or archive name in the asset name. */
    public static final String ASSET_SUFFIX_HEADER = "AnnexaAssetSuffix";

    private static final Logger LOG = Logger.getLogger(HostSnapshotIngest.class.getName());

    private final SourceContext context;
    private final EvidenceLedger ledger;
    private final HostSnapshotReader reader = new HostSnapshotReader();
    private final SnapshotFolders folders;

    public HostSnapshotIngest(SourceContext context, EvidenceLedger ledger) {
        this.context = context;
        this.ledger = ledger;
        long rescan = context.setting(io.annexa.ingestion.FolderEvents.RESCAN_SETTING).map(Long::parseLong)
                .orElse(io.annexa.ingestion.FolderEvents.DEFAULT_RESCAN_MS);
        this.folders = new SnapshotFolders(rescan, System::currentTimeMillis);
    }

    /** The folder route's first step: the body becomes the list of snapshot folders to read now ({@link SnapshotFolders}). */
    public Processor changedFolders() {
        return exchange -> {
            Path parent = Path.of(exchange.getIn().getHeader(FOLDER_HEADER, String.class));
            ledger.routeFolder(exchange.getFromRouteId(), parent);
            exchange.getIn().setBody(folders.due(parent, SnapshotLimits.of(context).maxEntries()));
        };
    }

    /** The folder route's step for each folder of {@link #changedFolders}. */
    public Processor folder() {
        return exchange -> {
            Path folder = exchange.getIn().getBody(File.class).toPath();
            exchange.getIn().setHeader(Exchange.FILE_PATH, folder.toString());
            String routeId = exchange.getFromRouteId();
            String asset = asset(exchange, folder, folder.getFileName().toString());
            refusedIfUnsafe(routeId, () -> SnapshotFolder.check(folder, SnapshotLimits.of(context)));
            handOver(routeId, folder, asset, reader.read(folder, asset, routeId, Instant.now()), () -> folders.readAgain(folder));
        };
    }

    /** The archive route's step, for each {@code <asset>.tar.gz} its file endpoint delivers. */
    public Processor archive() {
        return exchange -> {
            Path archive = exchange.getIn().getBody(File.class).toPath();
            String routeId = exchange.getFromRouteId();
            String name = archive.getFileName().toString();
            if (!name.endsWith(ARCHIVE_SUFFIX)) {
                throw new InvalidInputException(archive.toString(), 0, "not a host snapshot: name it <asset>" + ARCHIVE_SUFFIX);
            }
            String asset = asset(exchange, archive, name.substring(0, name.length() - ARCHIVE_SUFFIX.length()));
            Path unpacked = Files.createDirectories(context.dataDirectory().resolve("state").resolve("snapshots-unpacked"));
            Path root = Files.createTempDirectory(unpacked, "snapshot-");
            try {
                refusedIfUnsafe(routeId, () -> SnapshotArchive.unpack(archive, root, SnapshotLimits.of(context)));
                Map<EvidenceKey, List<Object>> evidence;
                try {
                    evidence = reader.read(root, asset, routeId, Instant.now());
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(archive.toString(), 0, e.getMessage());
                }
                handOver(routeId, archive, asset, evidence, readAgain(exchange, archive));
            } finally {
                delete(root);
            }
        };
    }

    private void handOver(String routeId, Path snapshot, String asset, Map<EvidenceKey, List<Object>> evidence, Runnable readAgain) {
        ledger.handOverSnapshot(routeId, snapshot, asset, routeId, evidence, readAgain);
        // one item per host read, whatever number of kinds it held
        context.monitor().read(routeId, 1);
    }

    @FunctionalInterface
    private interface Check {
        void run() throws InvalidInputException, IOException;
    }

    private void refusedIfUnsafe(String routeId, Check check) throws InvalidInputException, IOException {
        try {
            check.run();
        } catch (InvalidInputException e) {
            context.monitor().flag(routeId, SourceMonitor.SNAPSHOT_REFUSED, 1);
            throw e;
        }
    }

    private static String asset(Exchange exchange, Path snapshot, String name) throws InvalidInputException {
        String suffix = exchange.getIn().getHeader(ASSET_SUFFIX_HEADER, "", String.class);
        try {
            return AssetNames.validate("snapshot name", name + suffix);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(AssetNames.shown(snapshot.toString(), 4096), 0, "cannot tell which asset this snapshot"
                    + " describes: " + e.getMessage());
        }
    }

    /** Forgetting the archive in its route's idempotent repository, as the file routes' ledger does. */
    private static Runnable readAgain(Exchange exchange, Path file) {
        if (!(exchange.getFromEndpoint() instanceof GenericFileEndpoint<?> endpoint) || endpoint.getIdempotentRepository() == null
                || endpoint.getIdempotentKey() == null) {
            return () -> { };
        }
        String key = endpoint.getIdempotentKey().evaluate(exchange, String.class);
        IdempotentRepository repository = endpoint.getIdempotentRepository();
        return key == null ? () -> { } : () -> repository.remove(key);
    }

    private static void delete(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the unpacked snapshot " + root, e);
        }
    }
}
