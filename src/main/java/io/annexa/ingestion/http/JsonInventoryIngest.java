package io.annexa.ingestion.http;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InventoryItem;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.util.URISupport;

/**
 * The last step of an HTTP inventory route: turns the JSON answer the route fetched into
 * {@link InventoryItem} facts with the mapping file named by the {@value #MAPPING_HEADER} header, and hands
 * them over per asset, so each asset's items replace that asset's items of the previous read.
 *
 * <p>An item the mapping cannot place (no id, no asset) is left out and counted as an error naming its
 * index; the others are handed over. An answer that is not JSON, is larger than {@value #MAX_BODY_SETTING},
 * or of which no item can be mapped at all, is rejected as a whole (dead-lettered) and the previous read
 * stays in place: such an answer is a broken API or mapping, and taking it as an empty inventory would
 * withdraw every fact and with them every finding.
 */
public final class JsonInventoryIngest implements Processor {

    /** Path of the mapping file; set by the route after the HTTP call, so the server cannot choose it. */
    public static final String MAPPING_HEADER = "AnnexaMapping";
    public static final String MAX_BODY_SETTING = "annexa.sources.http.max-body-bytes";
    static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(JsonInventoryIngest.class.getName());

    private final SourceContext context;
    /** Assets each (route, source) delivered last time, to empty those the next answer no longer lists. */
    private final Map<String, Set<String>> delivered = new ConcurrentHashMap<>();

    public JsonInventoryIngest(SourceContext context) {
        this.context = context;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String routeId = exchange.getFromRouteId();
        String label = label(exchange);
        byte[] body = body(exchange, label);
        InventoryMapping mapping = InventoryMappingReader.read(mappingFile(exchange));
        Object document = JsonDocuments.parse(body, label);
        InventoryMapping.Extraction extraction = mapping.extract(document, Instant.now(), label);
        if (extraction.items().isEmpty() && !extraction.skipped().isEmpty()) {
            throw new InvalidInputException(label, 0, "none of the " + extraction.skipped().size()
                    + " items could be mapped with " + mapping.file() + ", so the previous read is kept; "
                    + extraction.skipped().get(0));
        }
        for (String skipped : extraction.skipped()) {
            context.monitor().failed(routeId, label + ": " + skipped + "; item skipped", false);
        }
        if (!extraction.skipped().isEmpty()) {
            LOG.warning(() -> "route " + routeId + " skipped " + extraction.skipped().size() + " of "
                    + (extraction.skipped().size() + extraction.items().size()) + " items of " + label
                    + ", first: " + extraction.skipped().get(0));
        }
        handOver(routeId, mapping.source(), extraction.items());
        context.monitor().read(routeId, extraction.items().size());
    }

    private void handOver(String routeId, String source, List<InventoryItem> items) {
        Map<String, List<Object>> byAsset = items.stream().collect(Collectors.groupingBy(InventoryItem::getAsset,
                LinkedHashMap::new, Collectors.mapping(Object.class::cast, Collectors.toList())));
        byAsset.forEach((asset, facts) -> context.sink().replace(new EvidenceKey(source, asset, routeId), facts));
        Set<String> previous = delivered.put(routeId + '\n' + source, Set.copyOf(byAsset.keySet()));
        if (previous != null) {
            previous.stream().filter(asset -> !byAsset.containsKey(asset))
                    .forEach(asset -> context.sink().replace(new EvidenceKey(source, asset, routeId), List.of()));
        }
    }

    private byte[] body(Exchange exchange, String label) throws InvalidInputException, IOException {
        long max = maxBodyBytes();
        Long declared = exchange.getIn().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        byte[] bytes = new byte[0];
        if (declared == null || declared <= max) {
            InputStream in = exchange.getIn().getBody(InputStream.class);
            if (in != null) {
                try (in) {
                    bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
                }
            }
        }
        if ((declared != null && declared > max) || bytes.length > max) {
            // a dead-lettered copy of an oversized answer would only fill the disk
            exchange.getIn().setBody(null);
            throw new InvalidInputException(label, 0, "the answer is larger than the " + max
                    + " bytes a JSON source accepts (" + MAX_BODY_SETTING + ")");
        }
        // the stream is spent; the dead letter handler keeps these bytes if they do not parse
        exchange.getIn().setBody(bytes);
        return bytes;
    }

    private long maxBodyBytes() throws InvalidInputException {
        Optional<String> value = context.setting(MAX_BODY_SETTING);
        if (value.isEmpty()) {
            return DEFAULT_MAX_BODY_BYTES;
        }
        try {
            long bytes = Long.parseLong(value.get());
            if (bytes > 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below, with the setting's name
        }
        throw new InvalidInputException(MAX_BODY_SETTING, 0, "'" + value.get() + "' is not a positive number of bytes");
    }

    private static Path mappingFile(Exchange exchange) {
        String file = exchange.getIn().getHeader(MAPPING_HEADER, String.class);
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("route " + exchange.getFromRouteId() + " sets no " + MAPPING_HEADER
                    + " header naming the mapping file");
        }
        return Path.of(file.strip());
    }

    /** The URL the answer came from, with passwords in it masked. */
    private static String label(Exchange exchange) {
        String endpoint = exchange.getProperty(Exchange.TO_ENDPOINT, String.class);
        if (endpoint == null) {
            return "HTTP answer";
        }
        // the endpoint's own URI leaves out the path (http://host:port?options); the HTTP endpoint knows it
        String url = exchange.getContext().hasEndpoint(endpoint) instanceof HttpEndpoint http ? http.getHttpUri().toString() : endpoint;
        return URISupport.sanitizeUri(url);
    }
}
