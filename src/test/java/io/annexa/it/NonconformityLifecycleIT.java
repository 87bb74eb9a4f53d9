package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole flow on the real Payara Micro: a file dropped into the inbox becomes facts, the rules find
 * the problem, the register opens a nonconformity, the API shows it; the fix resolves it.
 * Deploys the WAR the build produced, not a hand-assembled archive.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NonconformityLifecycleIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    private AnnexaClient api;
    private Path inbox;
    private String asset;

    @BeforeEach
    void setUp() throws IOException {
        api = new AnnexaClient(URI.create(base.toString()));
        inbox = Files.createDirectories(Path.of(System.getProperty("annexa.it.data"), "inbox", "sshd_config"));
        // the data directory outlives a run: a fresh asset name keeps runs independent
        asset = "it-" + UUID.randomUUID().toString().substring(0, 8);
        await().atMost(DEADLINE).until(api::healthy);
    }

    @Test
    void rootLoginOpensANonconformityAndTheFixResolvesIt() throws IOException {
        drop(asset, "PermitRootLogin yes\nPasswordAuthentication no\n");

        JsonObject open = await().atMost(DEADLINE).until(() -> rootLogin("open"), list -> list.size() == 1).get(0);
        assertThat(open.getString("control")).isEqualTo("8.5");
        assertThat(open.getString("requirement")).isEqualTo("A.8.5");
        assertThat(open.getString("severity")).isEqualTo("high");
        assertThat(open.getString("annexA")).isEqualTo("A.8.5");
        assertThat(open.getJsonArray("clauses").getValuesAs(jakarta.json.JsonString::getString)).containsExactly("6.1.3", "8.1");
        // high severity on an asset the inventory does not know (default criticality medium): major
        assertThat(open.getString("grade")).isEqualTo("major");
        assertThat(open.getString("evidenceSummary")).contains("PermitRootLogin yes").contains(asset + ":1");
        assertThat(open.getJsonArray("controls").getString(1)).isEqualTo("8.2");
        assertThat(open.isNull("resolvedAt")).isTrue();
        long id = open.getJsonNumber("id").longValue();

        // clause 10.2: react, then plan the correction and the corrective action
        assertThat(api.post("api/nonconformities/" + id + "/acknowledge", "{\"comment\":\"looking at it\"}").status()).isEqualTo(200);
        AnnexaClient.Reply again = api.post("api/nonconformities/" + id + "/acknowledge", "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().asJsonObject().getJsonArray("allowed").getValuesAs(jakarta.json.JsonString::getString))
                .contains("plan", "resolve", "accept-risk", "withdraw").doesNotContain("acknowledge");
        AnnexaClient.Reply noCause = api.post("api/nonconformities/" + id + "/plan", "{\"correction\":\"x\"}");
        assertThat(noCause.status()).isEqualTo(400);
        assertThat(noCause.body()).contains("rootCause");
        AnnexaClient.Reply planned = api.post("api/nonconformities/" + id + "/plan", """
                {"rootCause": "image built from an old template", "correction": "PermitRootLogin no on this host",
                 "correctiveAction": "template fixed and checked in CI", "dueDate": "2099-01-31"}""");
        assertThat(planned.status()).as(planned.body()).isEqualTo(200);
        assertThat(planned.json().asJsonObject().getString("status")).isEqualTo("action-planned");
        AnnexaClient.Reply stale = api.post("api/nonconformities/" + id + "/resolve", "{\"expectedVersion\": 0}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("changed since it was read");

        JsonObject occurrences = api.get("api/nonconformities/" + id + "/occurrences").json().asJsonObject();
        assertThat(occurrences.getJsonArray("items").getJsonObject(0).getString("evidence")).contains("PermitRootLogin yes");
        assertThat(occurrences.getJsonArray("items").getJsonObject(0).getString("contentHash")).hasSize(64);

        drop(asset, "PermitRootLogin no\nPasswordAuthentication no\n");

        JsonObject resolved = await().atMost(DEADLINE).until(() -> rootLogin("resolved"), list -> list.size() == 1).get(0);
        assertThat(resolved.getInt("id")).isEqualTo(open.getInt("id"));
        assertThat(resolved.getString("resolvedAt")).isNotBlank();
        List<JsonObject> history = api.get("api/nonconformities/" + id + "/history").json().asJsonArray().getValuesAs(JsonObject.class);
        assertThat(history).extracting(h -> h.getString("actor") + " " + h.getString("action") + " -> " + h.getString("to"))
                .containsExactly("system open -> open", "admin acknowledge -> acknowledged", "admin plan -> action-planned",
                        "system resolve -> resolved");
        assertThat(history.get(1).getString("bodyHash")).hasSize(64);
        assertThat(rootLogin("open")).isEmpty();
        assertThat(ofSshdRules("api/nonconformities?asset=" + asset, "sshd_root_login_disabled")).hasSize(1);
    }

    @Test
    void deletingTheFileWithdrawsItsNonconformitiesWithoutResolvingThem() throws IOException {
        drop(asset, "PermitRootLogin yes\nPasswordAuthentication no\n");
        long id = await().atMost(DEADLINE).until(() -> rootLogin("open"), list -> list.size() == 1).get(0).getJsonNumber("id").longValue();

        Files.delete(inbox.resolve(asset));

        JsonObject withdrawn = await().atMost(DEADLINE).until(() -> rootLogin("withdrawn"), list -> list.size() == 1).get(0);
        assertThat(withdrawn.getJsonNumber("id").longValue()).isEqualTo(id);
        assertThat(withdrawn.getString("withdrawnReason")).isEqualTo("evidence-removed");
        assertThat(withdrawn.isNull("resolvedAt")).isTrue();
        assertThat(withdrawn.getJsonArray("allowedActions")).isEmpty();
    }

    @Test
    void aBrokenFileIsDeadLetteredAndTheRouteGoesOn() throws IOException {
        long errorsBefore = inboxRoute().getJsonNumber("errors").longValue();
        drop(asset + "-broken", "Port 22\nMatch\nPermitRootLogin yes\n");
        // waits for this file's error: another broken file (one left in the data directory by an earlier run) may come first
        await().atMost(DEADLINE).until(() -> inboxRoute().getString("lastErrorMessage", "").contains(asset + "-broken:2"));
        assertThat(inboxRoute().getJsonNumber("errors").longValue()).isGreaterThan(errorsBefore);
        assertThat(inboxRoute().getString("lastErrorMessage")).contains("'Match' has no criteria");

        Path deadLetters = Path.of(System.getProperty("annexa.it.data"), "dead-letter", "sshd-config-inbox");
        try (Stream<Path> files = Files.list(deadLetters)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.endsWith(asset + "-broken.reason"));
        }

        drop(asset, "PasswordAuthentication yes\nPermitRootLogin no\n");
        await().atMost(DEADLINE).until(() -> ofSshdRules("api/nonconformities?status=open&asset=" + asset).size() == 1);
        assertThat(ofSshdRules("api/nonconformities?status=open&asset=" + asset).get(0).getString("ruleId"))
                .isEqualTo("sshd_password_authentication_disabled");
        assertThat(inboxRoute().getString("state")).isEqualTo("Started");
    }

    @Test
    void theBundledSampleIsMonitoredOutOfTheBox() {
        List<JsonObject> sample = await().atMost(DEADLINE)
                .until(() -> ofSshdRules("api/nonconformities?asset=web-01.sample&status=open"), list -> list.size() == 2);
        assertThat(sample).extracting(o -> o.getString("ruleId"))
                .containsExactlyInAnyOrder("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        // both sample hosts read and evaluated: the hardened host has nothing open, under any rule
        await().atMost(DEADLINE).until(() -> api.list("api/sources").stream()
                .filter(o -> o.getString("routeId").equals("hosts-samples"))
                .allMatch(o -> o.getJsonNumber("itemsRead").longValue() >= 2));
        await().atMost(DEADLINE).until(() -> !api.list("api/nonconformities?asset=web-01.sample").isEmpty());
        assertThat(api.list("api/nonconformities?asset=bastion-01.sample")).isEmpty();
    }

    @Test
    void catalogRulesAndSourcesAreServed() {
        assertThat(api.list("api/rules")).extracting(o -> o.getString("id"))
                .contains("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        JsonObject control = api.get("api/controls/8.5").json().asJsonObject().getJsonObject("control");
        assertThat(control.getString("title")).isEqualTo("Secure authentication");
        assertThat(control.getString("monitoring")).isEqualTo("automated");
        assertThat(api.list("api/controls")).hasSize(93)
                .filteredOn(c -> c.getString("id").equals("5.1")).first()
                .satisfies(c -> assertThat(c.getString("monitoring")).isEqualTo("manual"));
        assertThat(api.list("api/sources")).extracting(o -> o.getString("routeId"))
                .contains("sshd-config-inbox", "sshd-config-local", "hosts-samples");
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        AnnexaClient.Reply badStatus = api.get("api/nonconformities?status=shut");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.body()).contains("shut").contains("open, acknowledged, action-planned");
        AnnexaClient.Reply badControl = api.get("api/nonconformities?control=9.9");
        assertThat(badControl.status()).isEqualTo(400);
        assertThat(badControl.body()).contains("9.9");
        assertThat(api.get("api/controls/A.9.4.2").status()).isEqualTo(404);
        assertThat(api.get("api/nonconformities/999999999").status()).isEqualTo(404);
    }

    /** The library has many rules; these tests follow the two about root login and passwords. */
    private List<JsonObject> ofSshdRules(String query, String... only) {
        List<String> ids = only.length > 0 ? List.of(only)
                : List.of("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        return api.list(query).stream().filter(o -> ids.contains(o.getString("ruleId"))).toList();
    }

    private List<JsonObject> rootLogin(String status) {
        return api.list("api/nonconformities?status=" + status + "&asset=" + asset).stream()
                .filter(o -> o.getString("ruleId").equals("sshd_root_login_disabled"))
                .toList();
    }

    private JsonObject inboxRoute() {
        return api.list("api/sources").stream().filter(o -> o.getString("routeId").equals("sshd-config-inbox"))
                .findFirst().orElseThrow();
    }

    /** Writes next to the inbox and moves in, as an operator's copy should: the route never sees half a file. */
    private void drop(String name, String content) throws IOException {
        Path staging = Files.writeString(inbox.getParent().resolve("." + name + ".staging"), content);
        Files.move(staging, inbox.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
