package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.access.Role;
import io.annexa.testing.WebhookReceiver;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may call what, on the real Payara Micro. Every JAX-RS resource method the WAR holds is found by reflection
 * ({@link ApiEndpoints}) and called anonymously (401), with the role just below the one it requires (403) and with
 * that role, which must succeed: each endpoint has a fixture here, a request with real path parameters (control 5.1,
 * a nonconformity, delivery, token, silence and rule that exist) and a valid body, answered 2xx unless the fixture
 * names another status and why. A new endpoint without a role, with the wrong one, or without a fixture fails the build.
 *
 * <p>The endpoints open to anybody ({@link io.annexa.api.Public}) are listed here by name, so another cannot be opened by
 * accident; their fixture must succeed anonymously (signing in with a real user's name and password).
 *
 * <p>The deployed WAR is the one the build produced, with one file of its bundled home replaced: config/alerts.yml
 * routes every alert to two webhook receivers this test runs, one that accepts and one that answers 410 Gone (so
 * Annexa disables it, and an admin can enable it again).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessMatrixIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PASSWORD = "matrix password 0001";
    private static final String ALERTS_YML = "/WEB-INF/classes/annexa-home/config/alerts.yml";
    /** A rule of the library whose folder holds files only, sent back unchanged to be validated and deployed. */
    private static final String RULE = "technological/c8_05_secure_authentication/sshd_empty_passwords_disabled";
    private static final String HOOK = "matrix-hook";
    private static final String GONE = "matrix-gone";
    private static final String FORM = "application/x-www-form-urlencoded";
    /** The one thing anybody may do: sign in to a session, as JSON or as an HTML form. */
    private static final List<String> PUBLIC = List.of("POST api/session application/json (SessionResource.signIn, public)",
            "POST api/session " + FORM + " (SessionResource.signInWithForm, public)");

    private static final WebhookReceiver ACCEPTING = receiver(false);
    private static final WebhookReceiver GONE_RECEIVER = receiver(true);

    @Deployment(testable = false)
    static WebArchive annexa() {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
        war.delete(ALERTS_YML);
        war.add(new StringAsset("""
                # AccessMatrixIT: every alert to a receiver that accepts it and to one that is gone
                receivers:
                  - name: %s
                    webhook:
                      url: %s
                      secret: %s
                  - name: %s
                    webhook:
                      url: %s
                      secret: %s
                route:
                  receiver: %s
                  group_by: [asset]
                  group_wait: 0s
                  group_interval: 1s
                  routes:
                    - receiver: %s
                      continue: true
                    - receiver: %s
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(HOOK, ACCEPTING.url(), ACCEPTING.secret(), GONE, GONE_RECEIVER.url(), GONE_RECEIVER.secret(),
                HOOK, GONE, HOOK)), ALERTS_YML);
        return war;
    }

    private static WebhookReceiver receiver(boolean gone) {
        try {
            WebhookReceiver receiver = new WebhookReceiver(true);
            receiver.gone = gone;
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReceivers() {
        ACCEPTING.close();
        GONE_RECEIVER.close();
    }

    @ArquillianResource
    URL base;

    private AnnexaClient admin;

    @BeforeEach
    void users() {
        admin = new AnnexaClient(URI.create(base.toString()));
        await().atMost(DEADLINE).until(admin::healthy);
        for (Role role : Role.values()) {
            AnnexaClient.Reply reply = admin.post("api/users",
                    "{\"name\":\"" + userFor(role) + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role.label() + "\"}");
            assertThat(reply.status()).as(reply.body()).isIn(201, 409);
        }
    }

    private static String userFor(Role role) {
        return "matrix-" + role.label();
    }

    private AnnexaClient as(Role role) {
        return admin.as(userFor(role), PASSWORD);
    }

    /**
     * The request that must succeed for an endpoint's role (for a public endpoint, without credentials).
     *
     * @param contentType the body's media type (JSON unless said)
     * @param expected    0: any 2xx; else the one status expected, for the reason given
     */
    record Call(String path, String body, String contentType, String accept, int expected, String reason) {

        static Call of(String path) {
            return new Call(path, null, null, "application/json", 0, null);
        }

        static Call of(String path, String body) {
            return new Call(path, body, "application/json", "application/json", 0, null);
        }

        Call accepting(String mediaType) {
            return new Call(path, body, contentType, mediaType, expected, reason);
        }

        Call sentAs(String mediaType) {
            return new Call(path, body, mediaType, accept, expected, reason);
        }

        /** An answer other than 2xx that is still the right one, and why. */
        Call expecting(int status, String why) {
            return new Call(path, body, contentType, accept, status, why);
        }

        AnnexaClient.Reply send(AnnexaClient client, String verb) {
            return client.request(verb, path, body, contentType, "Accept", accept);
        }

        boolean succeeded(int status) {
            return expected == 0 ? status >= 200 && status < 300 : status == expected;
        }

        String expectation() {
            return expected == 0 ? "2xx" : expected + " (" + reason + ")";
        }
    }

    @Test
    void everyEndpointRefusesAnonymousCallersAndWeakerRolesAndSucceedsForItsRole() throws Exception {
        ApiEndpoints.Discovery discovery = ApiEndpoints.discover();
        assertThat(discovery.problems()).as("resource methods the matrix cannot call").isEmpty();
        List<ApiEndpoints.Endpoint> endpoints = discovery.endpoints();
        assertThat(endpoints).extracting(ApiEndpoints.Endpoint::key)
                .contains("GET api/nonconformities", "POST api/rules/validate", "POST api/users", "DELETE api/tokens/{id}",
                        "GET api/reports/audit", "GET api/audit/verify", "GET api/assets", "POST api/alerts/receivers/{name}/enable",
                        "GET api/session", "DELETE api/session");
        assertThat(endpoints).as("the endpoints open to anybody (@Public)").filteredOn(ApiEndpoints.Endpoint::open)
                .extracting(ApiEndpoints.Endpoint::toString).containsExactlyInAnyOrderElementsOf(PUBLIC);
        Map<String, Call> fixtures = fixtures();

        List<String> wrong = new ArrayList<>();
        for (String key : fixtures.keySet()) {
            if (endpoints.stream().noneMatch(e -> e.key().equals(key))) {
                wrong.add("fixture " + key + " matches no resource method: remove it, or fix its verb or path");
            }
        }
        Map<String, AnnexaClient.Reply> succeeded = new TreeMap<>();
        for (ApiEndpoints.Endpoint endpoint : endpoints) {
            Call call = fixtures.get(endpoint.key());
            if (call == null) {
                wrong.add(endpoint + " has no fixture: add \"" + endpoint.key() + "\" to AccessMatrixIT.fixtures(), a request with"
                        + " real path parameters and a valid body that succeeds for " + (endpoint.open() ? "anybody" : endpoint.role()));
                continue;
            }
            AnnexaClient.Reply anonymous = call.send(admin.anonymous(), endpoint.verb());
            if (endpoint.open()) {
                // open to anybody: the anonymous call is the one that must succeed
                if (call.succeeded(anonymous.status())) {
                    succeeded.put(endpoint.key(), anonymous);
                } else {
                    wrong.add(endpoint + " anonymous " + endpoint.verb() + " " + call.path() + ": expected " + call.expectation()
                            + ", got " + anonymous.status() + " " + cut(anonymous.body()));
                }
                continue;
            }
            if (anonymous.status() != 401 || anonymous.headers().firstValue("WWW-Authenticate").isEmpty()) {
                wrong.add(endpoint + " anonymous: " + anonymous.status());
            }
            Optional<Role> weaker = endpoint.role().below();
            if (weaker.isPresent()) {
                AnnexaClient.Reply refused = call.send(as(weaker.get()), endpoint.verb());
                if (refused.status() != 403) {
                    wrong.add(endpoint + " as " + weaker.get() + ": " + refused.status() + " " + refused.body());
                }
            }
            AnnexaClient.Reply allowed = call.send(as(endpoint.role()), endpoint.verb());
            if (call.succeeded(allowed.status())) {
                succeeded.put(endpoint.key(), allowed);
            } else {
                wrong.add(endpoint + " as " + endpoint.role() + " " + endpoint.verb() + " " + call.path() + ": expected "
                        + call.expectation() + ", got " + allowed.status() + " " + cut(allowed.body()));
            }
        }
        assertThat(wrong).isEmpty();

        // what the successes did, where a 2xx alone would not show it
        assertThat(succeeded.get("POST api/rules/validate").json().asJsonObject().getBoolean("valid")).isTrue();
        assertThat(succeeded.get("PUT api/rules/{id}").json().asJsonObject().getString("state")).isIn("deployed", "pending");
        assertThat(succeeded.get("GET api/rules/{id}/draft").json()).as("the folder in service, as PUT takes it")
                .isEqualTo(Json.createReader(new java.io.StringReader(draft(RULE))).read());
        assertThat(succeeded.get("POST api/nonconformities/{id}/{action}").json().asJsonObject().getString("status"))
                .isEqualTo("acknowledged");
        assertThat(succeeded.get("POST api/alerts/receivers/{name}/enable").json().asJsonObject().getBoolean("disabled")).isFalse();
        assertThat(succeeded.get("GET api/reports/audit").body()).contains("sshd_root_login_disabled");
        for (String signIn : List.of("POST api/session application/json", "POST api/session " + FORM)) {
            AnnexaClient.Reply signedIn = succeeded.get(signIn);
            JsonObject view = signedIn.json().asJsonObject();
            assertThat(view.getString("user")).as(signIn).isEqualTo(userFor(Role.VIEWER));
            assertThat(view.getString("signedInWith")).as(signIn).isEqualTo("session");
            assertThat(view.getString("csrfToken")).as(signIn).isNotBlank();
            assertThat(signedIn.headers().firstValue("Set-Cookie")).as(signIn).hasValueSatisfying(c -> assertThat(c).startsWith("annexa-session="));
        }
        assertThat(succeeded.get("GET api/session").json().asJsonObject().getString("signedInWith")).isEqualTo("basic");
        assertThat(succeeded.get("DELETE api/session").body()).contains("no session to sign out of");
    }

    /**
     * One request per resource method, by {@code VERB path-template}, with what it needs made first: a nonconformity
     * opened on an asset of this run, its alert delivered, the gone receiver disabled, a token of the viewer, a silence.
     */
    private Map<String, Call> fixtures() throws IOException {
        String asset = "matrix-" + UUID.randomUUID().toString().substring(0, 8);
        drop(asset, "PermitRootLogin yes\n");
        long nonconformity = await().atMost(DEADLINE).until(() -> admin.list("api/nonconformities?asset=" + asset).stream()
                        .filter(nc -> nc.getString("ruleId").equals("sshd_root_login_disabled")).findFirst(), Optional::isPresent)
                .orElseThrow().getJsonNumber("id").longValue();
        String delivery = await().atMost(DEADLINE).until(() -> deliveries().stream()
                        .filter(d -> d.getString("receiver").equals(HOOK) && d.getString("state").equals("delivered")).findFirst(),
                Optional::isPresent).orElseThrow().getString("id");
        await().atMost(DEADLINE).until(() -> admin.list("api/alerts/receivers").stream()
                .anyMatch(r -> r.getString("name").equals(GONE) && r.getBoolean("disabled")));
        AnnexaClient.Reply token = as(Role.VIEWER).post("api/tokens", "{\"name\":\"matrix token to delete\"}");
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        AnnexaClient.Reply silence = admin.post("api/silences", silence(asset, "matrix silence to delete"));
        assertThat(silence.status()).as(silence.body()).isEqualTo(201);
        String mapping = admin.get("api/mappings/iso27001-2013").json().asJsonArray().getJsonObject(0).getString("id");
        String draft = draft(RULE);
        String ruleId = RULE.substring(RULE.lastIndexOf('/') + 1);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        Map<String, Call> f = new LinkedHashMap<>();
        f.put("GET api/alerts/config", Call.of("api/alerts/config"));
        f.put("GET api/alerts/deliveries", Call.of("api/alerts/deliveries"));
        f.put("GET api/alerts/deliveries/{id}", Call.of("api/alerts/deliveries/" + delivery));
        f.put("POST api/alerts/deliveries/{id}/redeliver", Call.of("api/alerts/deliveries/" + delivery + "/redeliver"));
        f.put("GET api/alerts/receivers", Call.of("api/alerts/receivers"));
        f.put("POST api/alerts/receivers/{name}/enable", Call.of("api/alerts/receivers/" + GONE + "/enable"));
        f.put("GET api/assets", Call.of("api/assets"));
        f.put("GET api/audit/verify", Call.of("api/audit/verify"));
        f.put("GET api/controls", Call.of("api/controls"));
        f.put("GET api/controls/{id}", Call.of("api/controls/5.1"));
        f.put("GET api/overview", Call.of("api/overview"));
        f.put("GET api/cluster", Call.of("api/cluster"));
        f.put("GET api/mappings/iso27001-2013", Call.of("api/mappings/iso27001-2013"));
        f.put("GET api/mappings/iso27001-2013/{id}", Call.of("api/mappings/iso27001-2013/" + mapping));
        f.put("GET api/nonconformities", Call.of("api/nonconformities?asset=" + asset));
        f.put("GET api/nonconformities/trend", Call.of("api/nonconformities/trend?days=30"));
        f.put("GET api/nonconformities/{id}", Call.of("api/nonconformities/" + nonconformity));
        f.put("GET api/nonconformities/{id}/history", Call.of("api/nonconformities/" + nonconformity + "/history"));
        f.put("GET api/nonconformities/{id}/occurrences", Call.of("api/nonconformities/" + nonconformity + "/occurrences"));
        f.put("POST api/nonconformities/{id}/{action}", Call.of("api/nonconformities/" + nonconformity + "/acknowledge",
                "{\"comment\":\"seen by the access matrix\"}"));
        f.put("GET api/reports/audit", Call.of("api/reports/audit?from=" + today.minusDays(30) + "&to=" + today + "&format=csv")
                .accepting("text/csv"));
        f.put("GET api/requirements", Call.of("api/requirements"));
        f.put("GET api/rules", Call.of("api/rules"));
        f.put("GET api/rules/deployment", Call.of("api/rules/deployment"));
        f.put("GET api/rules/events", Call.of("api/rules/events"));
        f.put("POST api/rules/validate", Call.of("api/rules/validate", draft));
        f.put("PUT api/rules/{id}", Call.of("api/rules/" + ruleId, draft));
        f.put("GET api/rules/{id}/draft", Call.of("api/rules/" + ruleId + "/draft"));
        f.put("PUT api/rules/{id}/enabled", Call.of("api/rules/" + ruleId + "/enabled", "true"));
        f.put("GET api/schemas/{name}", Call.of("api/schemas/alert-1.json").accepting("*/*"));
        // signing in is open to anybody: a real user's name and password, as JSON and as the console's form posts them
        f.put("POST api/session application/json", Call.of("api/session", Json.createObjectBuilder()
                .add("username", userFor(Role.VIEWER)).add("password", PASSWORD).build().toString()));
        f.put("POST api/session " + FORM, Call.of("api/session", "username=" + URLEncoder.encode(userFor(Role.VIEWER), StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)).sentAs(FORM));
        f.put("GET api/session", Call.of("api/session"));
        f.put("DELETE api/session", Call.of("api/session")
                .expecting(404, "the matrix signs in with HTTP Basic, so there is no session to end"));
        f.put("GET api/silences", Call.of("api/silences"));
        f.put("POST api/silences", Call.of("api/silences", silence(asset, "matrix maintenance")));
        f.put("DELETE api/silences/{id}", Call.of("api/silences/" + silence.json().asJsonObject().getJsonNumber("id")));
        f.put("GET api/soa", Call.of("api/soa?format=json"));
        f.put("GET api/sources", Call.of("api/sources"));
        f.put("GET api/tokens", Call.of("api/tokens"));
        f.put("POST api/tokens", Call.of("api/tokens", "{\"name\":\"matrix script\",\"expiresInDays\":1}"));
        f.put("DELETE api/tokens/{id}", Call.of("api/tokens/" + token.json().asJsonObject().getJsonNumber("id")));
        f.put("GET api/users", Call.of("api/users"));
        f.put("POST api/users", Call.of("api/users", "{\"name\":\"" + asset + "-user\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"viewer\"}"));
        f.put("PUT api/users/{name}", Call.of("api/users/" + userFor(Role.VIEWER), "{\"disabled\":false}"));
        return f;
    }

    private static String silence(String asset, String comment) {
        return "{\"matchers\":[\"asset=" + asset + "\"],\"endsAt\":\"" + Instant.now().plus(Duration.ofDays(1))
                + "\",\"comment\":\"" + comment + "\"}";
    }

    /** A rule folder of the project as the API takes it: path, rule.yml, DRL and every scenario file. */
    private static String draft(String rule) throws IOException {
        Path folder = Path.of(System.getProperty("annexa.projectDir"), "rules", rule);
        String id = rule.substring(rule.lastIndexOf('/') + 1);
        JsonObjectBuilder scenarios = Json.createObjectBuilder();
        try (Stream<Path> files = Files.list(folder.resolve("tests"))) {
            for (Path file : files.sorted().toList()) {
                assertThat(file).as("the draft's scenarios are plain files").isRegularFile();
                scenarios.add(file.getFileName().toString(), Files.readString(file));
            }
        }
        return Json.createObjectBuilder().add("path", rule).add("ruleYml", Files.readString(folder.resolve("rule.yml")))
                .add("drl", Files.readString(folder.resolve(id + ".drl"))).add("scenarios", scenarios).build().toString();
    }

    /** Every alert delivery, all pages. */
    private List<JsonObject> deliveries() {
        List<JsonObject> all = new ArrayList<>();
        String cursor = null;
        do {
            AnnexaClient.Reply reply = admin.get("api/alerts/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonObject page = reply.json().asJsonObject();
            all.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
            cursor = page.isNull("next") ? null : URLEncoder.encode(page.getString("next"), StandardCharsets.UTF_8);
        } while (cursor != null);
        return all;
    }

    /** An sshd_config for {@code asset}, moved into the inbox whole. */
    private static void drop(String asset, String content) throws IOException {
        Path inbox = Files.createDirectories(Path.of(System.getProperty("annexa.it.data"), "inbox", "sshd_config"));
        Path staging = Files.writeString(inbox.getParent().resolve("." + asset + ".staging"), content);
        Files.move(staging, inbox.resolve(asset), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String cut(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    @Test
    void viewersSeeNonconformitiesWithoutTheirEvidenceAndCannotExport() {
        List<JsonObject> forAuditor = await().atMost(DEADLINE).until(() -> as(Role.AUDITOR).list("api/nonconformities?status=open"), l -> !l.isEmpty());
        List<JsonObject> forViewer = as(Role.VIEWER).list("api/nonconformities?status=open");

        assertThat(forAuditor).allSatisfy(nc -> assertThat(nc.getString("evidenceSummary")).isNotBlank());
        assertThat(forViewer).isNotEmpty().allSatisfy(nc -> {
            assertThat(nc.isNull("evidenceSummary")).isTrue();
            assertThat(nc.isNull("treatment")).isTrue();
        });
        long id = forViewer.get(0).getJsonNumber("id").longValue();
        assertThat(as(Role.VIEWER).get("api/nonconformities/" + id + "/occurrences").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/nonconformities/" + id + "/occurrences").status()).isEqualTo(200);
        assertThat(as(Role.AUDITOR).post("api/nonconformities/" + id + "/acknowledge", "{}").status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).get("api/soa?format=json").status()).isEqualTo(200);
        assertThat(as(Role.VIEWER).get("api/soa?format=csv").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/soa?format=csv").status()).isEqualTo(200);
        assertThat(as(Role.VIEWER).get("api/soa", "application/xml").status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).get("api/reports/audit?from=2026-01-01&to=2026-12-31&format=csv", "text/csv").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/reports/audit?from=2026-01-01&to=2026-12-31&format=csv", "text/csv").status()).isEqualTo(200);
    }

    @Test
    void aTokenIsShownOnceAndActsWithItsOwnWeakerRole() {
        AnnexaClient author = as(Role.RULE_AUTHOR);
        AnnexaClient.Reply created = author.post("api/tokens", "{\"name\":\"matrix script\",\"role\":\"viewer\",\"expiresInDays\":2}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().asJsonObject().getString("token");
        long id = created.json().asJsonObject().getJsonNumber("id").longValue();

        AnnexaClient script = author.withToken(token);
        assertThat(script.get("api/nonconformities").status()).isEqualTo(200);
        assertThat(script.post("api/rules/validate", "{}").status()).isEqualTo(403);
        assertThat(author.get("api/tokens").body()).contains("matrix script").doesNotContain(token);
        assertThat(admin.get("api/tokens").body()).doesNotContain(token);
        assertThat(as(Role.VIEWER).delete("api/tokens/" + id).status()).isEqualTo(404);

        assertThat(author.delete("api/tokens/" + id).status()).isEqualTo(204);
        assertThat(script.get("api/nonconformities").status()).isEqualTo(401);
    }

    @Test
    void repeatedWrongPasswordsAreThrottledWithRetryAfter() {
        admin.post("api/users", "{\"name\":\"matrix-throttled\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}");
        AnnexaClient guesser = admin.as("matrix-throttled", "not the password");
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get("api/controls").status()).isEqualTo(401);
        }

        AnnexaClient.Reply throttled = admin.as("matrix-throttled", PASSWORD).get("api/controls");

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void ruleChecksRunOneAtATimeAndTheOthersAreToldWhenToComeBack() {
        AnnexaClient author = as(Role.RULE_AUTHOR);
        String draft = "{\"path\":\"technological/c8_05_secure_authentication/matrix_concurrency_check\",\"ruleYml\":\"id: x\",\"drl\":\"package x;\",\"scenarios\":{}}";

        List<AnnexaClient.Reply> replies = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> author.post("api/rules/validate", draft)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(replies).extracting(AnnexaClient.Reply::status).contains(200, 429);
        assertThat(replies).filteredOn(r -> r.status() == 429)
                .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
    }

    @Test
    void viewersReadAlertsAndRulesAndOnlyAdminsSilence() {
        AnnexaClient viewer = as(Role.VIEWER);

        AnnexaClient.Reply schema = viewer.get("api/schemas/alert-1.json");
        assertThat(schema.status()).as(schema.body()).isEqualTo(200);
        assertThat(schema.json().asJsonObject().getString("$id")).isEqualTo("urn:annexa:schema:alert-1");
        AnnexaClient.Reply deliveries = viewer.get("api/alerts/deliveries");
        assertThat(deliveries.status()).as(deliveries.body()).isEqualTo(200);
        assertThat(deliveries.json().asJsonObject()).containsKeys("items", "next");
        AnnexaClient.Reply receivers = viewer.get("api/alerts/receivers");
        assertThat(receivers.status()).as(receivers.body()).isEqualTo(200);
        assertThat(receivers.json().getValueType()).isEqualTo(jakarta.json.JsonValue.ValueType.ARRAY);
        AnnexaClient.Reply config = viewer.get("api/alerts/config");
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        assertThat(config.json().asJsonObject().getBoolean("present")).isTrue();

        String silence = "{\"matchers\":[\"asset=web-01.sample\"],\"endsAt\":\"" + java.time.Instant.now().plus(Duration.ofDays(1))
                + "\",\"comment\":\"matrix maintenance\"}";
        assertThat(viewer.post("api/silences", silence).status()).isEqualTo(403);
        AnnexaClient.Reply created = admin.post("api/silences", silence);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject stored = created.json().asJsonObject();
        assertThat(stored.getString("comment")).isEqualTo("matrix maintenance");
        long silenceId = stored.getJsonNumber("id").longValue();
        assertThat(viewer.list("api/silences")).anySatisfy(s -> assertThat(s.getJsonNumber("id").longValue()).isEqualTo(silenceId));
        assertThat(viewer.delete("api/silences/" + silenceId).status()).isEqualTo(403);
        assertThat(admin.delete("api/silences/" + silenceId).status()).isEqualTo(204);

        AnnexaClient.Reply events = viewer.get("api/rules/events");
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.json().asJsonObject()).containsKeys("kindsByRule", "kinds");
        List<JsonObject> rules = await().atMost(DEADLINE).until(() -> viewer.list("api/rules"), l -> !l.isEmpty());
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule).containsKeys("quarantined", "quarantine");
            assertThat(rule.getBoolean("quarantined")).isFalse();
            assertThat(rule.isNull("quarantine")).isTrue();
        });
    }

    @Test
    void aRuleDraftIsReadOnlyForARuleFolderItCarriesWhole() {
        AnnexaClient author = as(Role.RULE_AUTHOR);
        AnnexaClient.Reply unknown = author.get("api/rules/no_such_rule/draft");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("no rule 'no_such_rule' in the rules in service");
        for (String id : List.of("Sshd_root_login_disabled", "tests", "a-b", "x".repeat(101))) {
            AnnexaClient.Reply refused = author.get("api/rules/" + id + "/draft");
            assertThat(refused.status()).as(id + ": " + refused.body()).isEqualTo(404);
            assertThat(refused.body()).contains("a rule id is a lower-case letter");
        }
        // a path segment that climbs out is stopped by the server or by the id's shape; no file is ever read for it
        for (String id : List.of("%2E%2E", "..%2Frules", "%2E%2E%2F%2E%2E%2Fconfig")) {
            AnnexaClient.Reply refused = author.get("api/rules/" + id + "/draft");
            assertThat(refused.status()).as(id + ": " + refused.body()).isIn(400, 404, 405);
            assertThat(refused.body()).as(id).doesNotContain("ruleYml");
        }
        // its scenarios include whole-host folders, which a draft cannot carry: refused, nothing dropped
        AnnexaClient.Reply hosts = author.get("api/rules/sshd_root_login_disabled/draft");
        assertThat(hosts.status()).as(hosts.body()).isEqualTo(409);
        assertThat(hosts.body()).contains("a scenario of a whole host");
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        String huge = "{\"path\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";

        assertThat(as(Role.RULE_AUTHOR).post("api/rules/validate", huge).status()).isEqualTo(413);
    }
}
