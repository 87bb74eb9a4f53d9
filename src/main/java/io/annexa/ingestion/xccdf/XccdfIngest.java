package io.annexa.ingestion.xccdf;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.EvidenceLedger;
import io.annexa.ingestion.SavedNames;
import io.annexa.ingestion.SourceContext;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of the {@code xccdf-inbox} route: reads an OpenSCAP result file and hands each scanned asset's
 * check results over as that asset's current scan evidence, replacing what its previous result file said.
 * A file that cannot be read throws, the shared error handler dead-letters it, and the previous results stay. A
 * failed check the new scan did not evaluate stays among the host's results ({@link UnevaluatedFailures}).
 * A host the previous read of the same file had and this one has not is withdrawn, as is every host of a deleted
 * file ({@link EvidenceLedger}), unless another result file still there has it. A newer result of the same scan in
 * another file supersedes the older file ({@link ScanSupersession}): the hosts only the older file had are withdrawn.
 *
 * <p>Result files are far bigger than configuration files, so they have their own size limit,
 * {@value XccdfResultParser#MAX_BYTES_SETTING}, read on every file so a change needs no restart.
 */
public final class XccdfIngest implements Processor {

    private final SourceContext context;
    private final EvidenceLedger ledger;
    private static final Logger LOG = Logger.getLogger(XccdfIngest.class.getName());

    private final Map<String, UnevaluatedFailures> unevaluated = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, ScanSupersession> supersession = new java.util.concurrent.ConcurrentHashMap<>();

    public XccdfIngest(SourceContext context, EvidenceLedger ledger) {
        this.context = context;
        this.ledger = ledger;
    }

    /** The failures each route's later scans did not evaluate, kept under the data directory. */
    private UnevaluatedFailures unevaluated(String routeId) {
        return unevaluated.computeIfAbsent(routeId, id -> UnevaluatedFailures.at(context.dataDirectory().resolve("state")
                .resolve("xccdf-failures").resolve(id.replaceAll("[^A-Za-z0-9._-]", "_") + ".tsv")));
    }

    /** The result files of each route a newer scan superseded, kept under the data directory. */
    private ScanSupersession supersession(String routeId) {
        return supersession.computeIfAbsent(routeId, id -> new ScanSupersession(SavedNames.in(context.dataDirectory().resolve("state")
                .resolve("xccdf-superseded").resolve(id.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt"),
                "OpenSCAP result files a newer scan superseded (modified ms:size:name)")));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        File file = exchange.getIn().getBody(File.class);
        XccdfReport report = new XccdfResultParser(context.catalog(), maxBytes()).parse(file.toPath());
        String routeId = exchange.getFromRouteId();
        ScanSupersession.Decision decision = supersession(routeId).read(file.toPath(), report);
        if (!decision.inForce()) {
            LOG.info(() -> "route " + routeId + ": " + file + " is superseded by " + decision.supersededBy()
                    + " (the same benchmark and profile, scanned later): not taken in");
            ledger.supersede(routeId, file.toPath());
            return;
        }
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        for (String asset : report.assets()) {
            // a failure an earlier scan found stays evidence until a scan evaluates that check again
            evidence.put(new EvidenceKey(XccdfResultParser.SOURCE, asset, routeId),
                    new ArrayList<>(unevaluated(routeId).withUnevaluated(asset, report.checksOf(asset))));
        }
        // a host the previous read of this file had and this one has not is withdrawn
        ledger.handOver(exchange, file.toPath(), evidence);
        // and so is one that only an older result of the same scan had
        for (String older : decision.supersedes()) {
            LOG.info(() -> "route " + routeId + ": " + older + " is superseded by " + file
                    + " (the same benchmark and profile, scanned later)");
            ledger.supersede(routeId, file.toPath().resolveSibling(older));
        }
        evidence.values().forEach(facts -> context.monitor().read(routeId, facts.size()));
    }

    private long maxBytes() throws InvalidInputException {
        String value = context.setting(XccdfResultParser.MAX_BYTES_SETTING).orElse(null);
        if (value == null) {
            return XccdfResultParser.DEFAULT_MAX_BYTES;
        }
        try {
            long bytes = Long.parseLong(value);
            if (bytes > 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below, with the setting's name
        }
        throw new InvalidInputException(XccdfResultParser.MAX_BYTES_SETTING, 0, "'" + value + "' is not a positive number of bytes");
    }
}
