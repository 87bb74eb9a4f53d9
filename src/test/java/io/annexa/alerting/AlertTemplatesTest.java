package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The templates shipped in config/templates/, as operators get them. */
class AlertTemplatesTest {

    private static AlertTemplates shipped;

    @BeforeAll
    static void loadShippedTemplates() throws IOException {
        shipped = AlertTemplates.load(ProjectFiles.root().resolve("config/templates"));
    }

    @Test
    void theSubjectOfOneEventCarriesGradeControlAndAsset() {
        assertThat(shipped.render(Alerts.single()).subject())
                .isEqualTo("[Annexa] MAJOR Nonconformity opened: 8.5 SSH root login is disabled on web-01");
    }

    @Test
    void theSubjectOfAGroupCarriesTheWorstGradeTheCountAndTheAsset() {
        assertThat(shipped.render(Alerts.group()).subject()).isEqualTo("[Annexa] 3 alerts, worst MAJOR: 3 controls on 2 assets");
    }

    @Test
    void aReminderSaysSoInSubjectTextAndHtml() {
        RenderedMail mail = shipped.render(Alerts.reminder());

        assertThat(mail.subject()).isEqualTo("[Annexa] Reminder: 3 alerts, worst MAJOR: 3 controls on 2 assets");
        assertThat(mail.text()).startsWith("Reminder: 3 alerts, worst major on 2 assets\n\nThese 3 nonconformities are still not fixed.")
                .contains("Status:     open");
        assertThat(mail.html()).contains("<h2 style=\"font-size: 18px;\">Reminder: 3 alerts, worst major on 2 assets</h2>")
                .contains("<strong>Reminder:</strong> these 3 nonconformities are still not fixed.");
        RenderedMail single = shipped.render(new Notification("ops", "k", java.util.List.of(Alerts.opened()), true));
        assertThat(single.subject()).isEqualTo("[Annexa] Reminder: MAJOR Nonconformity opened: 8.5 SSH root login is disabled on web-01");
        assertThat(single.text()).contains("This nonconformity is still not fixed.");
    }

    @Test
    void newsDoesNotSayItIsAReminder() {
        RenderedMail mail = shipped.render(Alerts.group());

        assertThat(mail.subject()).doesNotContain("Reminder");
        assertThat(mail.text()).startsWith("3 alerts, worst major on 2 assets\n\n== ").doesNotContain("still not fixed");
        assertThat(mail.html()).doesNotContain("Reminder");
    }

    @Test
    void theHtmlPartEscapesWhatTheEvidenceSays() {
        String html = shipped.render(Alerts.single()).html();

        assertThat(html).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
                .contains("<a href=\"https://annexa.example.org/nonconformities/42\">")
                .contains("8.5 (ISO/IEC 27002:2022), Annex A A.8.5")
                .contains("alice@example.org");
    }

    @Test
    void theTextPartShowsTheEvidenceAsWrittenWithoutHtmlEscapes() {
        String text = shipped.render(Alerts.single()).text();

        assertThat(text).contains("PermitRootLogin yes in /etc/ssh/sshd_config <script>alert(1)</script> & more")
                .doesNotContain("&lt;").doesNotContain("&amp;")
                .contains("Rule:       SSH root login is disabled (sshd_root_login_disabled)")
                .contains("Control:    8.5 (ISO/IEC 27002:2022), Annex A A.8.5")
                .contains("Clauses:    9.1, 10.2 (ISO/IEC 27001:2022)")
                .contains("Owner:      alice@example.org")
                .contains("First seen: 2026-12-01 08:00 UTC")
                .contains("Open:       https://annexa.example.org/nonconformities/42");
    }

    @Test
    void fieldsAnEventDoesNotHaveLeaveNoEmptyLines() {
        String text = shipped.render(new Notification("ops", "k", java.util.List.of(Alerts.monitoringGap()))).text();

        assertThat(text).contains("== Monitoring gap ==").contains("Asset:      db-02")
                .doesNotContain("Owner:").doesNotContain("Rule:").doesNotContain("Open:");
    }

    @Test
    void aLineBreakInAValueCannotEndTheSubjectHeader(@TempDir Path dir) throws IOException {
        copyShipped(dir);
        Files.writeString(dir.resolve(AlertTemplates.SUBJECT), "[Annexa] {{headline}}\nBcc: someone@example.org\n");

        assertThat(AlertTemplates.load(dir).render(Alerts.single()).subject()).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void anOperatorsOwnTemplateIsUsed(@TempDir Path dir) throws IOException {
        copyShipped(dir);
        Files.writeString(dir.resolve(AlertTemplates.TEXT), "{{#events}}{{asset}}: {{evidenceSummary}}{{/events}}");

        assertThat(AlertTemplates.load(dir).render(Alerts.single()).text())
                .isEqualTo("web-01: PermitRootLogin yes in /etc/ssh/sshd_config <script>alert(1)</script> & more");
    }

    @Test
    void aMissingTemplateIsNamed(@TempDir Path dir) throws IOException {
        copyShipped(dir);
        Files.delete(dir.resolve(AlertTemplates.HTML));

        assertThatThrownBy(() -> AlertTemplates.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("alert.html.mustache");
    }

    @Test
    void aTemplateThatDoesNotCompileIsNamed(@TempDir Path dir) throws IOException {
        copyShipped(dir);
        Files.writeString(dir.resolve(AlertTemplates.TEXT), "{{#events}} never closed");

        assertThatThrownBy(() -> AlertTemplates.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("alert.txt.mustache");
    }

    private static void copyShipped(Path dir) throws IOException {
        for (String name : new String[] {AlertTemplates.SUBJECT, AlertTemplates.TEXT, AlertTemplates.HTML}) {
            Files.copy(ProjectFiles.root().resolve("config/templates").resolve(name), dir.resolve(name));
        }
    }
}
