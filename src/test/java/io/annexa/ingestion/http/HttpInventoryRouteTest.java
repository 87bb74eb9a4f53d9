package io.annexa.ingestion.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InventoryItem;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.IsolatedSources;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's real {@code integrations/http-inventory.camel.yaml} and shipped mapping, in a real
 * {@link SourceRuntime} with the default settings, polling a real HTTP server on this machine. Only the
 * data folder, other routes' local paths, and this route's URL, credentials and period are the test's.
 */
class HttpInventoryRouteTest {

    private static final String ROUTE = "http-inventory-poll";
    private static final String TOKEN = "Bearer s3cret-token";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String INVENTORY = """
            {"instances": [
              {"id": "i-0abc", "hostname": "web-01.example.org", "network": {"publicIp": "203.0.113.7"},
               "disk": {"encrypted": true}, "tags": ["web"]},
              {"id": "i-0def", "hostname": "web-01.example.org", "disk": {"encrypted": false}},
              {"id": "i-0123", "hostname": "DB-01.example.org", "disk": {"encrypted": true}}
            ]}
            """;

    @TempDir
    Path temp;

    private LocalInventoryServer server;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        // byDefaultTheRouteStaysStoppedAndNothingIsFetched is about the shipped value
        sources = IsolatedSources.in(temp).withDefault("annexa.sources.http-inventory.enabled");
        server = new LocalInventoryServer(TOKEN);
    }

    @AfterEach
    void tearDown() {
        sources.close();
        server.close();
    }

    @Test
    void theInventoryBecomesItemsPerAssetFetchedWithTheConfiguredAuthorization() throws Exception {
        server.answer("/api/inventory", 200, INVENTORY);
        start(server.url("/api/inventory"), TOKEN);

        EvidenceKey web = new EvidenceKey("cloud-inventory", "web-01.example.org", ROUTE);
        EvidenceKey db = new EvidenceKey("cloud-inventory", "db-01.example.org", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web).isPresent() && sink.latest(db).isPresent());

        assertThat(items(web)).extracting(InventoryItem::getSource, InventoryItem::getKind, InventoryItem::getId)
                .containsExactly(tuple("cloud-inventory", "instance", "i-0abc"),
                        tuple("cloud-inventory", "instance", "i-0def"));
        assertThat(items(web).get(0).getAttributes()).containsExactlyInAnyOrderEntriesOf(
                Map.of("public_ip", "203.0.113.7", "encrypted", "true", "tags", "[\"web\"]"));
        assertThat(items(db)).extracting(InventoryItem::getId).containsExactly("i-0123");
        assertThat(keys()).containsExactlyInAnyOrder(web, db);

        assertThat(server.requests()).first().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/inventory");
            assertThat(request.authorization()).isEqualTo(TOKEN);
            assertThat(request.accept()).isEqualTo("application/json");
        });
        await().atMost(DEADLINE).untilAsserted(() -> {
            SourceRuntime.RouteStatus status = route();
            assertThat(status.state()).isEqualTo("Started");
            assertThat(status.counters().itemsRead()).isEqualTo(3);
            assertThat(status.counters().lastSuccess()).isPresent();
            assertThat(status.counters().errors()).isZero();
        });
    }

    @Test
    void withoutAuthorizationTheServerAnswers401AndTheRouteDeadLettersIt() throws Exception {
        server.answer("/api/inventory", 200, INVENTORY);
        start(server.url("/api/inventory"), "");

        await().atMost(DEADLINE).until(() -> reasons().size() == 1);
        assertThat(reasons().get(0)).contains("route: " + ROUTE).contains("HttpOperationFailedException")
                .contains("statusCode: 401");
        // empty setting: no header at all, rather than an empty one
        assertThat(server.requests()).first().satisfies(request -> assertThat(request.authorization()).isNull());
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(route().counters().errors()).isEqualTo(1);
            assertThat(route().counters().deadLetters()).isEqualTo(1);
        });
        assertThat(keys()).isEmpty();
    }

    @Test
    void aServerErrorIsDeadLetteredAndCounted() throws Exception {
        server.answer("/api/inventory", 500, "{\"error\": \"database unavailable\"}");
        start(server.url("/api/inventory"), TOKEN);

        await().atMost(DEADLINE).until(() -> reasons().size() == 1);
        assertThat(reasons().get(0)).contains("HttpOperationFailedException").contains("statusCode: 500")
                .contains(server.url("/api/inventory"));
        await().atMost(DEADLINE).untilAsserted(() -> {
            SourceMonitor.Counters counters = route().counters();
            assertThat(counters.errors()).isEqualTo(1);
            assertThat(counters.deadLetters()).isEqualTo(1);
            assertThat(counters.lastErrorMessage()).hasValueSatisfying(m -> assertThat(m).contains("statusCode: 500"));
            assertThat(counters.itemsRead()).isZero();
        });
        assertThat(route().state()).isEqualTo("Started");
        assertThat(keys()).isEmpty();
    }

    @Test
    void malformedJsonIsDeadLetteredWithTheAnswerItself() throws Exception {
        String malformed = "{\"instances\": [\n  {\"id\": \"i-1\", \"hostname\": \"web-01\"\n]}";
        server.answer("/api/inventory", 200, malformed);
        start(server.url("/api/inventory"), TOKEN);

        await().atMost(DEADLINE).until(() -> reasonFiles().size() == 1);
        Path reason = reasonFiles().get(0);
        assertThat(Files.readString(reason)).contains("route: " + ROUTE)
                .contains(server.url("/api/inventory"))
                .containsPattern(":3: not valid JSON");
        Path copy = reason.resolveSibling(reason.getFileName().toString().replaceFirst("\\.reason$", ""));
        assertThat(copy).hasContent(malformed);
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(route().counters().errors()).isEqualTo(1);
            assertThat(route().counters().deadLetters()).isEqualTo(1);
        });
        assertThat(keys()).isEmpty();
    }

    @Test
    void byDefaultTheRouteStaysStoppedAndNothingIsFetched() throws Exception {
        sources.start(sink);

        assertThat(route().state()).isEqualTo("Stopped");
        assertThat(sources.routes()).extracting(SourceRuntime.RouteStatus::routeId).contains(ROUTE);
        // a poll would come one second after start; give it time to not happen
        await().during(Duration.ofMillis(1500)).atMost(DEADLINE).until(() -> server.requests().isEmpty());
        assertThat(keys()).isEmpty();
    }

    @Test
    void enabledWithoutUrlIsDeadLetteredNamingTheSetting() throws Exception {
        start("", TOKEN);

        await().atMost(DEADLINE).until(() -> reasons().size() == 1);
        assertThat(reasons().get(0)).contains("reason: IllegalStateException: annexa.sources.http-inventory.url is not set");
        assertThat(route().state()).isEqualTo("Started");
    }

    // ---------------------------------------------------------------- helpers

    /** One poll only (the first comes a second after start, the next a minute later), so counts are exact. */
    private void start(String url, String authorization) throws Exception {
        sources.with("annexa.sources.http-inventory.enabled", "true")
                .with("annexa.sources.http-inventory.url", url)
                .with("annexa.sources.http-inventory.auth-header", authorization)
                .with("annexa.sources.http-inventory.period-ms", "60000")
                .start(sink);
    }

    private SourceRuntime.RouteStatus route() {
        return sources.route(ROUTE);
    }

    /** What this route handed over, whatever the other routes of the project may file. */
    private List<EvidenceKey> keys() {
        return sink.keys().stream().filter(key -> key.origin().equals(ROUTE)).toList();
    }

    private List<InventoryItem> items(EvidenceKey key) {
        return sink.latest(key).orElseThrow().stream().map(InventoryItem.class::cast).toList();
    }

    private List<Path> reasonFiles() throws IOException {
        return sources.reasonFiles(ROUTE);
    }

    private List<String> reasons() throws IOException {
        return sources.reasons(ROUTE);
    }
}
