package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step every configuration route ends with: parse the file the route delivered and hand its
 * facts to the engine. A file that cannot be parsed throws, and the shared error handler dead-letters it;
 * the facts of the previous good read stay in place. The {@link EvidenceLedger} records which file produced which
 * evidence: when the file is deleted, its evidence is withdrawn.
 *
 * <p>The asset is, in order: the {@code AnnexaAsset} header set by the route, an
 * {@code # annexa-asset: name} comment in the first lines of the file, the file name. The comment counts only on
 * routes listed in {@code annexa.sources.asset-override.routes} (none by default): anybody able to drop a file could
 * otherwise claim to be {@code prod-db} and replace that host's evidence, hiding its nonconformities. Elsewhere it is
 * ignored, logged and counted ({@code asset_override_ignored}). Every asset name passes {@link AssetNames#validate}.
 * The {@code AnnexaIncludeRoot} header makes the parser follow includes under that directory.
 *
 * <p>An asset may have several files of one kind (PAM has one per service). Each is a piece of evidence of its
 * own, named by the {@code AnnexaPart} header set by the route or, in a file name {@code <asset>__<part>}
 * ({@code web1__sshd}), by what follows the last {@code __}; its facts are filed under the origin
 * {@code <route id>/<part>}, so reading one part never replaces another. The part is not part of the asset name.
 */
public final class ConfigFileIngest implements Processor {

    public static final String ASSET_HEADER = "AnnexaAsset";
    public static final String INCLUDE_ROOT_HEADER = "AnnexaIncludeRoot";
    public static final String PART_HEADER = "AnnexaPart";
    /** Between asset and part in a file name: {@code web1__sshd}. */
    public static final String PART_SEPARATOR = "__";
    private static final Pattern ASSET_COMMENT = Pattern.compile("^\\s*#\\s*annexa-asset\\s*:\\s*(\\S+)\\s*$");
    private static final int ASSET_COMMENT_LINES = 5;

    public static final String OVERRIDE_ROUTES_SETTING = "annexa.sources.asset-override.routes";
    private static final Logger LOG = Logger.getLogger(ConfigFileIngest.class.getName());

    private final String source;
    private final EvidenceLedger ledger;
    private final FileChanges changes;
    private final SourceMonitor monitor;
    private final long maxBytes;
    private final Set<String> overrideRoutes;

    /**
     * @param ledger         hands the facts over and records which file produced them, so that its deletion
     *                       withdraws them
     * @param changes        told which files the includes of a read led to: a change to one of them is a change of
     *                       the file read
     * @param overrideRoutes the routes whose files may name their asset with an {@code # annexa-asset:} comment
     */
    public ConfigFileIngest(String source, EvidenceLedger ledger, FileChanges changes, SourceMonitor monitor, long maxBytes,
                            Set<String> overrideRoutes) {
        this.source = source;
        this.ledger = ledger;
        this.changes = changes;
        this.monitor = monitor;
        this.maxBytes = maxBytes;
        this.overrideRoutes = Set.copyOf(overrideRoutes);
        if (ConfigParsers.forSource(source).isEmpty()) {
            throw new IllegalArgumentException("no parser for source '" + source + "'");
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Path file = exchange.getIn().getBody(File.class).toPath();
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InvalidInputException(file.toString(), 0, "file is " + size + " bytes, more than the "
                    + maxBytes + " a configuration source accepts (annexa.sources.max-file-bytes)");
        }
        String includeRoot = exchange.getIn().getHeader(INCLUDE_ROOT_HEADER, String.class);
        ConfigParser parser = ConfigParsers.forSource(source, includeRoot == null || includeRoot.isBlank() ? null : Path.of(includeRoot))
                .orElseThrow();
        String name = file.getFileName().toString();
        int separator = name.lastIndexOf(PART_SEPARATOR);
        String part = part(exchange, file, separator < 0 ? null : name.substring(separator + PART_SEPARATOR.length()));
        String asset = asset(exchange, file, separator < 0 ? name : name.substring(0, separator));
        IncludeRoot.Recorded<ConfigSnapshot> read = IncludeRoot.recording(() -> parser.parse(file, asset, Instant.now()));
        changes.dependsOn(file, read.included());
        ConfigSnapshot snapshot = read.result();
        String routeId = exchange.getFromRouteId();
        ledger.handOver(exchange, file, Map.of(new EvidenceKey(source, asset, part == null ? routeId : routeId + "/" + part),
                snapshot.facts()));
        monitor.read(routeId, 1);
    }

    /** @return null when the file is the asset's only one of its kind */
    private static String part(Exchange exchange, Path file, String fromName) throws InvalidInputException {
        String fromRoute = exchange.getIn().getHeader(PART_HEADER, String.class);
        if (fromRoute != null && !fromRoute.isBlank()) {
            return fromRoute.strip();
        }
        if (fromName != null && fromName.isEmpty()) {
            throw new InvalidInputException(file.toString(), 0, "nothing after '" + PART_SEPARATOR
                    + "' in the file name: name it <asset>" + PART_SEPARATOR + "<part>");
        }
        return fromName;
    }

    /** The overridable routes as the setting lists them: comma-separated route ids. */
    public static Set<String> overrideRoutes(Optional<String> setting) {
        return setting.map(s -> Set.of(java.util.Arrays.stream(s.split(",")).map(String::strip).filter(r -> !r.isEmpty())
                .distinct().toArray(String[]::new))).orElse(Set.of());
    }

    /** @param fromName the file name without its part */
    private String asset(Exchange exchange, Path file, String fromName) throws IOException, InvalidInputException {
        String fromRoute = exchange.getIn().getHeader(ASSET_HEADER, String.class);
        String field = "file name";
        String name = fromName;
        if (fromRoute != null && !fromRoute.isBlank()) {
            field = "route's " + ASSET_HEADER + " header";
            name = fromRoute;
        } else {
            Optional<String> fromComment = assetComment(file);
            String routeId = exchange.getFromRouteId();
            if (fromComment.isPresent() && overrideRoutes.contains(routeId)) {
                field = "'# annexa-asset:' comment";
                name = fromComment.get();
            } else if (fromComment.isPresent()) {
                monitor.flag(routeId, SourceMonitor.ASSET_OVERRIDE_IGNORED, 1);
                LOG.warning(() -> "route " + routeId + ": " + file + " names its asset '" + AssetNames.shown(fromComment.get())
                        + "' in an '# annexa-asset:' comment, ignored: the route is not in " + OVERRIDE_ROUTES_SETTING
                        + "; filed under its file name");
            }
        }
        try {
            return AssetNames.validate(field, name);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(AssetNames.shown(file.toString(), 4096), 0, "cannot tell which asset this file describes: "
                    + e.getMessage());
        }
    }

    private static Optional<String> assetComment(Path file) throws IOException {
        // only the first lines count: read no more of the file than they take, through no reader or decoder
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = new byte[1024];
            int length = 0;
            int lines = 0;
            int lineStart = 0;
            while (lines < ASSET_COMMENT_LINES) {
                if (length == head.length) {
                    if (head.length >= ASSET_COMMENT_SCAN_BYTES) {
                        break;
                    }
                    head = Arrays.copyOf(head, head.length * 2);
                }
                int read = in.read(head, length, head.length - length);
                boolean end = read < 0;
                int from = length;
                length += Math.max(read, 0);
                for (int i = from; i < length && lines < ASSET_COMMENT_LINES; i++) {
                    if (head[i] == '\n') {
                        Optional<String> asset = assetIn(head, lineStart, i);
                        if (asset.isPresent()) {
                            return asset;
                        }
                        lines++;
                        lineStart = i + 1;
                    }
                }
                if (end) {
                    return lines < ASSET_COMMENT_LINES && lineStart < length ? assetIn(head, lineStart, length) : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Lines of the head beyond this are not looked at: an asset comment is a short line near the top. */
    private static final int ASSET_COMMENT_SCAN_BYTES = 64 * 1024;

    private static Optional<String> assetIn(byte[] head, int from, int to) {
        int end = to > from && head[to - 1] == '\r' ? to - 1 : to;
        Matcher m = ASSET_COMMENT.matcher(new String(head, from, end - from, StandardCharsets.ISO_8859_1));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
