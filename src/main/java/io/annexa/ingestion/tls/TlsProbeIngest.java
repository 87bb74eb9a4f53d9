package io.annexa.ingestion.tls;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of the {@code tls-probe} route: probes every endpoint of {@value #TARGETS_SETTING}, one after
 * the other, and hands each asset's endpoints over as that asset's current TLS evidence.
 *
 * <p>Targets are read on every run, so a changed setting takes effect at the next period. A malformed entry
 * does not stop the others from being probed: one typo must not blind the monitoring of every other
 * endpoint. Once the good entries are probed, the bad ones are reported as an {@link InvalidInputException}
 * naming the setting and each bad entry, which the shared handler dead-letters and counts, every run until
 * the setting is fixed. A malformed {@value #TIMEOUT_SETTING} concerns every target alike and is reported
 * before anything is probed, rather than guessed around.
 */
public final class TlsProbeIngest implements Processor {

    public static final String TARGETS_SETTING = "annexa.sources.tls.targets";
    public static final String TIMEOUT_SETTING = "annexa.sources.tls.timeout-ms";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final SourceContext context;

    public TlsProbeIngest(SourceContext context) {
        this.context = context;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Optional<String> configured = context.setting(TARGETS_SETTING);
        if (configured.isEmpty()) {
            return;
        }
        Set<TlsTarget> targets = new LinkedHashSet<>();
        List<String> rejected = new ArrayList<>();
        for (String entry : configured.get().split(",")) {
            if (!entry.isBlank()) {
                TlsTarget.parse(entry).ifPresentOrElse(targets::add, () -> rejected.add(entry.strip()));
            }
        }
        TlsProbe probe = new TlsProbe(timeout());
        String routeId = exchange.getFromRouteId();

        // One hand-over per asset: two ports of one host are both that host's TLS evidence, and a hand-over
        // per endpoint would let the second replace the first.
        Map<String, List<TlsTarget>> byAsset = targets.stream()
                .collect(Collectors.groupingBy(TlsTarget::asset, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<TlsTarget>> asset : byAsset.entrySet()) {
            List<Object> endpoints = new ArrayList<>();
            for (TlsTarget target : asset.getValue()) {
                endpoints.add(probe.probe(target));
            }
            context.sink().replace(new EvidenceKey(TlsProbe.SOURCE, asset.getKey(), routeId), endpoints);
            context.monitor().read(routeId, endpoints.size());
        }

        if (!rejected.isEmpty()) {
            // The dead letter keeps the setting's value as the input that failed.
            exchange.getIn().setBody(configured.get());
            throw new InvalidInputException(TARGETS_SETTING, 0, rejected.stream().map(e -> "'" + e + "'")
                    .collect(Collectors.joining(", ", "", rejected.size() == 1 ? " is" : " are"))
                    + " not host:port, asset=host:port or [v6 address]:port (port 1-65535; asset: at most 253 letters, digits, '.', '-',"
                    + " '_'); the other targets were probed");
        }
    }

    private Duration timeout() throws InvalidInputException {
        Optional<String> value = context.setting(TIMEOUT_SETTING);
        if (value.isEmpty()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long millis = Long.parseLong(value.get());
            if (millis > 0 && millis <= Integer.MAX_VALUE) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below, with the setting's name
        }
        throw new InvalidInputException(TIMEOUT_SETTING, 0, "'" + value.get() + "' is not a positive number of milliseconds");
    }
}
