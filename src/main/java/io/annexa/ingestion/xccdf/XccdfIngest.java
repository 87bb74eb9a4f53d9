package io.annexa.ingestion.xccdf;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.EvidenceLedger;
import io.annexa.ingestion.SourceContext;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of the {@code xccdf-inbox} route: reads an OpenSCAP result file and hands each scanned asset's
 * check results over as that asset's current scan evidence, replacing what its previous result file said.
 * A file that cannot be read throws, the shared error handler dead-letters it, and the previous results stay.
 * A host the previous read of the same file had and this one has not is withdrawn, as is every host of a deleted
 * file ({@link EvidenceLedger}), unless another result file still there has it.
 *
 * <p>Result files are far bigger than configuration files, so they have their own size limit,
 * {@value XccdfResultParser#MAX_BYTES_SETTING}, read on every file so a change needs no restart.
 */
public final class XccdfIngest implements Processor {

    private final SourceContext context;
    private final EvidenceLedger ledger;

    public XccdfIngest(SourceContext context, EvidenceLedger ledger) {
        this.context = context;
        this.ledger = ledger;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        File file = exchange.getIn().getBody(File.class);
        XccdfReport report = new XccdfResultParser(context.catalog(), maxBytes()).parse(file.toPath());
        String routeId = exchange.getFromRouteId();
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        for (String asset : report.assets()) {
            evidence.put(new EvidenceKey(XccdfResultParser.SOURCE, asset, routeId), new ArrayList<>(report.checksOf(asset)));
        }
        // a host the previous read of this file had and this one has not is withdrawn
        ledger.handOver(exchange, file.toPath(), evidence);
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
