package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertPayloadTest {

    /** The published schema, read once by whichever test needs it first. */
    private static final class Published {
        static final Schema SCHEMA = load();

        private static Schema load() {
            try (InputStream in = AlertPayloadTest.class.getResourceAsStream("/schemas/" + AlertPayload.SCHEMA)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text, InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static List<Error> violations(String json) {
        return Published.SCHEMA.validate(json, InputFormat.JSON,
                (execution, context) -> execution.executionConfig(config -> config.formatAssertionsEnabled(true)));
    }

    @Test
    void theStandardBodyOfOneOpenedNonconformityFollowsTheSchema() {
        assertThat(violations(AlertPayload.json(Alerts.single(), "standard"))).isEmpty();
    }

    @Test
    void aGroupWithAnEventAboutNoNonconformityFollowsTheSchema() {
        assertThat(violations(AlertPayload.json(Alerts.group(), "standard"))).isEmpty();
    }

    @Test
    void aReminderSaysSoAndFollowsTheSchema() {
        String json = AlertPayload.json(Alerts.reminder(), "standard");

        assertThat(violations(json)).isEmpty();
        assertThat(read(json).getJsonObject("data").getBoolean("repeat")).isTrue();
        assertThat(read(AlertPayload.json(Alerts.group(), "standard")).getJsonObject("data").getBoolean("repeat"))
                .as("news says it is not a reminder").isFalse();
    }

    @Test
    void theSchemaRefusesARepeatThatIsNotABoolean() {
        String broken = AlertPayload.json(Alerts.reminder(), "standard").replace("\"repeat\":true", "\"repeat\":\"yes\"");

        assertThat(broken).contains("\"repeat\":\"yes\"");
        assertThat(violations(broken)).extracting(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .containsExactly("/data/repeat: string found, boolean expected");
    }

    @Test
    void slackAndTeamsHeadlinesSayAReminderIsOne() {
        assertThat(read(AlertPayload.json(Alerts.reminder(), "slack")).getString("text"))
                .isEqualTo("Reminder: 3 alerts, worst major on 2 assets");
        assertThat(read(AlertPayload.json(Alerts.reminder(), "teams")).getString("summary"))
                .isEqualTo("Reminder: 3 alerts, worst major on 2 assets");
    }

    @Test
    void theSchemaRefusesABodyWithoutAGrade() {
        JsonObject body = read(AlertPayload.json(Alerts.single(), "standard"));
        JsonObject subject = body.getJsonObject("data").getJsonArray("events").getJsonObject(0).getJsonObject("subject");
        String broken = body.toString().replace(",\"grade\":\"" + subject.getString("grade") + "\"", "");

        assertThat(broken).doesNotContain("\"grade\"");
        assertThat(violations(broken)).extracting(Error::getMessage).anySatisfy(m -> assertThat(m).contains("grade"));
    }

    @Test
    void theStandardBodyCarriesTheNotificationAndEverySubjectField() {
        JsonObject body = read(AlertPayload.json(Alerts.single(), "standard"));

        assertThat(body.getString("type")).isEqualTo("alert.notification");
        assertThat(body.getString("timestamp")).isEqualTo("2026-12-04T10:15:30Z");
        JsonObject data = body.getJsonObject("data");
        assertThat(data.getString("receiver")).isEqualTo("ops");
        assertThat(data.getString("groupKey")).isEqualTo("0.1/ops/{asset=\"web-01\"}");
        assertThat(data.getJsonObject("standards").getString("control")).isEqualTo("ISO/IEC 27002:2022");
        JsonObject event = data.getJsonArray("events").getJsonObject(0);
        assertThat(event.getString("id")).isEqualTo("evt-1");
        assertThat(event.getString("type")).isEqualTo("nonconformity.opened");
        assertThat(event.getString("at")).isEqualTo("2026-12-04T10:15:30Z");
        assertThat(event.getJsonObject("labels").getString("theme")).isEqualTo("technological");
        JsonObject s = event.getJsonObject("subject");
        assertThat(s.getJsonNumber("nonconformityId").longValue()).isEqualTo(42L);
        assertThat(s.getJsonObject("rule").getString("id")).isEqualTo("sshd_root_login_disabled");
        assertThat(s.getJsonObject("rule").getString("title")).isEqualTo("SSH root login is disabled");
        assertThat(s.getString("control")).isEqualTo("8.5");
        assertThat(s.getString("annexA")).isEqualTo("A.8.5");
        assertThat(s.getJsonArray("clauses").getString(1)).isEqualTo("10.2");
        assertThat(s.getString("requirement")).isEqualTo("REQ-AUTH-1");
        assertThat(s.getString("grade")).isEqualTo("major");
        assertThat(s.getString("severity")).isEqualTo("high");
        assertThat(s.getString("status")).isEqualTo("open");
        assertThat(s.getString("asset")).isEqualTo("web-01");
        assertThat(s.getString("owner")).isEqualTo("alice@example.org");
        assertThat(s.getString("evidenceSummary")).startsWith("PermitRootLogin yes");
        assertThat(s.getString("firstSeen")).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(s.getString("lastSeen")).isEqualTo("2026-12-04T10:15:00Z");
        assertThat(s.getString("link")).isEqualTo("https://annexa.example.org/nonconformities/42");
    }

    @Test
    void theSameNotificationGivesTheSameBytesSoARedeliveryIsIdentical() {
        assertThat(AlertPayload.json(Alerts.group(), "standard")).isEqualTo(AlertPayload.json(Alerts.group(), "standard"));
    }

    @Test
    void slackGetsTextAndBlocksWithItsMarkupCharactersEscaped() {
        JsonObject body = read(AlertPayload.json(Alerts.single(), "slack"));

        assertThat(body.getString("text")).isEqualTo("MAJOR nonconformity opened: 8.5 SSH root login is disabled on web-01");
        var blocks = body.getJsonArray("blocks");
        assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("header");
        String section = blocks.getJsonObject(1).getJsonObject("text").getString("text");
        assertThat(section).contains("<https://annexa.example.org/nonconformities/42|Nonconformity opened>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
                .doesNotContain("<script>");
        assertThat(blocks.getJsonObject(blocks.size() - 1).getString("type")).isEqualTo("context");
    }

    @Test
    void slackShowsAGroupWithItsWorstGradeAndCount() {
        JsonObject body = read(AlertPayload.json(Alerts.group(), "slack"));

        assertThat(body.getString("text")).isEqualTo("3 alerts, worst major on 2 assets");
        assertThat(body.getJsonArray("blocks")).hasSize(1 + 3 + 1);
    }

    @Test
    void teamsGetsAnAdaptiveCardMessage() {
        JsonObject body = read(AlertPayload.json(Alerts.single(), "teams"));

        assertThat(body.getString("type")).isEqualTo("message");
        JsonObject attachment = body.getJsonArray("attachments").getJsonObject(0);
        assertThat(attachment.getString("contentType")).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonObject card = attachment.getJsonObject("content");
        assertThat(card.getString("type")).isEqualTo("AdaptiveCard");
        assertThat(card.getJsonArray("body").getJsonObject(0).getString("text"))
                .isEqualTo("MAJOR nonconformity opened: 8.5 SSH root login is disabled on web-01");
        assertThat(card.getJsonArray("body").getJsonObject(1).getJsonArray("facts").toString())
                .contains("\"Annex A\"", "\"A.8.5\"", "\"web-01\"", "\"alice@example.org\"");
        assertThat(card.getJsonArray("actions").getJsonObject(0).getString("url"))
                .isEqualTo("https://annexa.example.org/nonconformities/42");
    }

    @Test
    void aLinkThatIsNotHttpIsLeftOut() {
        AlertEvent opened = Alerts.opened();
        AlertSubject s = opened.subject();
        AlertSubject scripted = new AlertSubject(s.nonconformityId(), s.ruleId(), s.ruleTitle(), s.control(), s.annexA(),
                s.clauses(), s.requirement(), s.grade(), s.severity(), s.status(), s.asset(), s.owner(), s.evidenceSummary(),
                s.firstSeen(), s.lastSeen(), "javascript:alert(1)");
        Notification n = new Notification("ops", "k", List.of(new AlertEvent("evt-9", opened.type(), opened.at(), opened.labels(), scripted)));

        assertThat(AlertPayload.json(n, "standard")).doesNotContain("javascript");
        assertThat(AlertPayload.json(n, "slack")).doesNotContain("javascript");
        assertThat(violations(AlertPayload.json(n, "standard"))).isEmpty();
    }

    @Test
    void anUnknownFormatIsRefused() {
        assertThatThrownBy(() -> AlertPayload.json(Alerts.single(), "discord")).hasMessageContaining("'discord'");
    }

    static JsonObject read(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
