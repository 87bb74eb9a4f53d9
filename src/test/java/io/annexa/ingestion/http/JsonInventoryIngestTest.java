package io.annexa.ingestion.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InventoryItem;
import io.annexa.ingestion.CollectingSink;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor on its own: what it hands over, per asset, and what it refuses. */
class JsonInventoryIngestTest {

    private static final String ROUTE = "inventory-test";
    private static final String MAPPING = """
            source: cloud-inventory
            items: "$.instances[*]"
            kind: instance
            id: "$.id"
            asset: "$.hostname"
            attributes:
              public_ip: "$.publicIp"
            """;

    @TempDir
    Path temp;

    private final CamelContext camel = new DefaultCamelContext();
    private final CollectingSink sink = new CollectingSink();
    private final SourceMonitor monitor = new SourceMonitor();
    private final Map<String, String> settings = new HashMap<>();
    private Path mapping;
    private JsonInventoryIngest ingest;

    @BeforeEach
    void setUp() throws Exception {
        mapping = Files.writeString(temp.resolve("cloud-inventory.yml"), MAPPING);
        ingest = new JsonInventoryIngest(new SourceContext(sink, monitor, temp, key -> Optional.ofNullable(settings.get(key)),
                null, 1_048_576));
    }

    @AfterEach
    void tearDown() throws Exception {
        camel.close();
    }

    @Test
    void itemsAreHandedOverOncePerAssetUnderTheMappingsSourceAndTheRoute() throws Exception {
        ingest.process(answer("""
                {"instances": [
                  {"id": "i-1", "hostname": "web-01", "publicIp": "203.0.113.7"},
                  {"id": "i-2", "hostname": "db-01"},
                  {"id": "i-3", "hostname": "WEB-01."}
                ]}
                """));

        EvidenceKey web = new EvidenceKey("cloud-inventory", "web-01", ROUTE);
        EvidenceKey db = new EvidenceKey("cloud-inventory", "db-01", ROUTE);
        assertThat(sink.keys()).containsExactly(web, db);
        assertThat(items(web)).extracting(InventoryItem::getId).containsExactly("i-1", "i-3");
        assertThat(items(web).get(0).attribute("public_ip")).isEqualTo("203.0.113.7");
        assertThat(items(db)).extracting(InventoryItem::getId).containsExactly("i-2");
        assertThat(monitor.counters(ROUTE).itemsRead()).isEqualTo(3);
        assertThat(monitor.counters(ROUTE).errors()).isZero();
    }

    @Test
    void anUnmappableItemIsCountedAsAnErrorWithItsIndexAndTheOthersAreHandedOver() throws Exception {
        ingest.process(answer("""
                {"instances": [
                  {"id": "i-1", "hostname": "web-01"},
                  {"id": "i-2"},
                  {"hostname": "web-03"}
                ]}
                """));

        assertThat(items(new EvidenceKey("cloud-inventory", "web-01", ROUTE))).extracting(InventoryItem::getId).containsExactly("i-1");
        SourceMonitor.Counters counters = monitor.counters(ROUTE);
        assertThat(counters.itemsRead()).isEqualTo(1);
        assertThat(counters.errors()).isEqualTo(2);
        assertThat(counters.deadLetters()).isZero();
        assertThat(counters.lastErrorMessage()).hasValue(
                "HTTP answer: item [2] of $.instances[*]: id path $.id selects nothing; item skipped");
    }

    @Test
    void anAssetTheNextAnswerNoLongerListsIsEmptiedSoItsItemsDoNotOutliveIt() throws Exception {
        ingest.process(answer("{\"instances\": [{\"id\": \"i-1\", \"hostname\": \"web-01\"}, {\"id\": \"i-2\", \"hostname\": \"db-01\"}]}"));
        ingest.process(answer("{\"instances\": [{\"id\": \"i-2\", \"hostname\": \"db-01\"}]}"));

        EvidenceKey web = new EvidenceKey("cloud-inventory", "web-01", ROUTE);
        assertThat(sink.calls(web)).isEqualTo(2);
        assertThat(sink.latest(web)).hasValue(List.of());
        assertThat(items(new EvidenceKey("cloud-inventory", "db-01", ROUTE))).extracting(InventoryItem::getId).containsExactly("i-2");

        ingest.process(answer("{\"instances\": []}"));
        assertThat(sink.latest(new EvidenceKey("cloud-inventory", "db-01", ROUTE))).hasValue(List.of());
        assertThat(sink.calls(web)).isEqualTo(2); // emptied once, not again on every read
    }

    @Test
    void anAnswerOfWhichNoItemCanBeMappedIsRejectedAndThePreviousReadStays() throws Exception {
        ingest.process(answer("{\"instances\": [{\"id\": \"i-1\", \"hostname\": \"web-01\"}]}"));

        // the API renamed hostname: taken item by item, this would empty every asset
        assertThatThrownBy(() -> ingest.process(answer("{\"instances\": [{\"id\": \"i-1\", \"host\": \"web-01\"}, {\"id\": \"i-2\", \"host\": \"db\"}]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getReason()).isEqualTo(
                        "none of the 2 items could be mapped with " + mapping + ", so the previous read is kept; "
                        + "item [0] of $.instances[*]: asset path $.hostname selects nothing"));
        assertThat(sink.calls(new EvidenceKey("cloud-inventory", "web-01", ROUTE))).isEqualTo(1);
    }

    @Test
    void anAnswerLargerThanTheLimitIsRefusedAndNotKept() {
        settings.put(JsonInventoryIngest.MAX_BODY_SETTING, "64");
        Exchange exchange = answer("{\"instances\": [{\"id\": \"i-1\", \"hostname\": \"web-01\", \"pad\": \"" + "x".repeat(64) + "\"}]}");

        assertThatThrownBy(() -> ingest.process(exchange)).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.getReason()).isEqualTo("the answer is larger than the 64 bytes a JSON source accepts ("
                        + JsonInventoryIngest.MAX_BODY_SETTING + ")"));
        assertThat(exchange.getIn().getBody()).isNull();
        assertThat(sink.keys()).isEmpty();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
        settings.put(JsonInventoryIngest.MAX_BODY_SETTING, "64");
        Exchange exchange = answer("{\"instances\": []}");
        exchange.getIn().setHeader(Exchange.CONTENT_LENGTH, "100000");

        assertThatThrownBy(() -> ingest.process(exchange)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("larger than the 64 bytes");
    }

    @Test
    void theShippedLimitIsTheDefault16MiB() throws Exception {
        Properties shipped = new Properties();
        try (var in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            shipped.load(in);
        }
        assertThat(JsonInventoryIngest.DEFAULT_MAX_BODY_BYTES).isEqualTo(16 * 1024 * 1024);
        assertThat(shipped.getProperty(JsonInventoryIngest.MAX_BODY_SETTING)).isEqualTo(Long.toString(JsonInventoryIngest.DEFAULT_MAX_BODY_BYTES));
    }

    @Test
    void invalidJsonIsRejectedAndTheAnswerKeptForTheDeadLetter() {
        String body = "{\"instances\": [\n{\"id\": \"i-1\",, }\n]}";
        Exchange exchange = answer(body);

        assertThatThrownBy(() -> ingest.process(exchange)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).startsWith("not valid JSON");
        });
        assertThat(exchange.getIn().getBody(String.class)).isEqualTo(body);
        assertThat(sink.keys()).isEmpty();
    }

    @Test
    void aRouteWithoutMappingHeaderIsAConfigurationError() {
        Exchange exchange = answer("{\"instances\": []}");
        exchange.getIn().removeHeader(JsonInventoryIngest.MAPPING_HEADER);

        assertThatThrownBy(() -> ingest.process(exchange)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(JsonInventoryIngest.MAPPING_HEADER);
    }

    private Exchange answer(String json) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromRouteId(ROUTE);
        // a stream, as camel-http delivers larger answers
        exchange.getIn().setBody(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        exchange.getIn().setHeader(JsonInventoryIngest.MAPPING_HEADER, mapping.toString());
        return exchange;
    }

    private List<InventoryItem> items(EvidenceKey key) {
        return sink.latest(key).orElseThrow(() -> new AssertionError("nothing handed over under " + key + "; keys: " + sink.keys()))
                .stream().map(InventoryItem.class::cast).toList();
    }
}
