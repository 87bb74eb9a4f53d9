package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.annexa.ProjectFiles;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against GreenMail, a real SMTP server: plain with login, SMTPS, and STARTTLS through a front that upgrades. */
class EmailSenderTest {

    private static final String USER = "alerts";
    private static final String PASSWORD = "smtp-Pa55word-never-shown";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path keys;

    private static GreenMail greenMail;
    private static TestTls tls;
    private static SSLSocketFactory trusting;
    private static AlertTemplates templates;

    @BeforeAll
    static void startMailServer() throws Exception {
        tls = TestTls.localhost();
        // GreenMail's SMTPS reads its key store from these properties when it first opens a TLS socket
        System.setProperty("greenmail.tls.keystore.file", tls.writeKeyStore(keys).toString());
        System.setProperty("greenmail.tls.keystore.password", new String(TestTls.PASSWORD));
        System.setProperty("greenmail.tls.key.password", new String(TestTls.PASSWORD));
        greenMail = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)}));
        greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.org", USER, PASSWORD));
        greenMail.start();
        trusting = tls.clientContext().getSocketFactory();
        templates = AlertTemplates.load(ProjectFiles.root().resolve("config/templates"));
    }

    @AfterAll
    static void stopMailServer() {
        greenMail.stop();
    }

    @BeforeEach
    void emptyMailboxes() throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
    }

    private static ReceiverConfig mailTo(String... addresses) {
        return new ReceiverConfig("security-team", null, new EmailConfig(List.of(addresses)));
    }

    private static EmailSender sender(String security, int port, String password, SSLSocketFactory factory) {
        return new EmailSender(new SmtpSettings("localhost", port, security, USER, password, "Annexa <annexa@example.org>"),
                templates, TIMEOUT, factory);
    }

    @Test
    void sendsTextAndHtmlAsAlternativesWithTheTemplatesSubjectAfterLoggingIn() throws Exception {
        DeliveryOutcome outcome = sender("none", greenMail.getSmtp().getPort(), PASSWORD, null)
                .send("dlv-5", Alerts.single(), mailTo("ciso@example.org", "ops@example.org"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(250));
        MimeMessage[] messages = greenMail.getReceivedMessages();
        assertThat(messages).hasSize(2);
        MimeMessage message = messages[0];
        assertThat(message.getSubject()).isEqualTo("[Annexa] MAJOR Nonconformity opened: 8.5 SSH root login is disabled on web-01");
        assertThat(message.getFrom()[0].toString()).isEqualTo("Annexa <annexa@example.org>");
        assertThat(message.getAllRecipients()).extracting(Object::toString).containsExactly("ciso@example.org", "ops@example.org");
        assertThat(message.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(message.getHeader("X-Annexa-Delivery-Id")).containsExactly("dlv-5");
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getCount()).isEqualTo(2);
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertThat(text.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(html.getContentType()).startsWith("text/html").contains("UTF-8");
        RenderedMail expected = templates.render(Alerts.single());
        assertThat(normalized(text.getContent())).isEqualTo(normalized(expected.text()));
        assertThat(normalized(html.getContent())).isEqualTo(normalized(expected.html()));
        assertThat((String) text.getContent()).contains("<script>alert(1)</script> & more");
        assertThat((String) html.getContent()).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    }

    @Test
    void aRefusedLoginIsPermanentAndDoesNotShowThePassword() {
        DeliveryOutcome outcome = sender("none", greenMail.getSmtp().getPort(), "wrong-" + PASSWORD, null)
                .send("dlv-5", Alerts.single(), mailTo("ciso@example.org"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class, p -> assertThat(p.reason())
                .contains("refused the login of 'alerts'").doesNotContain(PASSWORD));
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void tlsSpeaksSmtpsAndChecksTheServersCertificateAndName() throws Exception {
        DeliveryOutcome outcome = sender("tls", greenMail.getSmtps().getPort(), PASSWORD, trusting)
                .send("dlv-6", Alerts.group(), mailTo("ciso@example.org"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(250));
        assertThat(greenMail.getReceivedMessages()).extracting(MimeMessage::getSubject)
                .containsExactly("[Annexa] 3 alerts, worst MAJOR: 3 controls on 2 assets");
    }

    @Test
    void tlsRefusesAServerWhoseCertificateItDoesNotTrust() {
        DeliveryOutcome outcome = sender("tls", greenMail.getSmtps().getPort(), PASSWORD, null)
                .send("dlv-6", Alerts.single(), mailTo("ciso@example.org"));

        assertThat(outcome).isNotInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(outcome.toString()).doesNotContain(PASSWORD);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsUpgradesBeforeLoggingIn() throws Exception {
        SSLContext server = tls.serverContext();
        try (StartTlsFront front = new StartTlsFront(server, greenMail.getSmtp().getPort())) {
            DeliveryOutcome outcome = sender("starttls", front.port(), PASSWORD, trusting)
                    .send("dlv-7", Alerts.single(), mailTo("ciso@example.org"));

            assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(250));
            assertThat(front.upgraded.get()).isEqualTo(1);
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void starttlsNeverFallsBackToClearTextWhenTheServerDoesNotOfferIt() {
        DeliveryOutcome outcome = sender("starttls", greenMail.getSmtp().getPort(), PASSWORD, trusting)
                .send("dlv-8", Alerts.single(), mailTo("ciso@example.org"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("STARTTLS").doesNotContain(PASSWORD));
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void anUnreachableServerIsRetried() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome = sender("none", closedPort, PASSWORD, null).send("dlv-9", Alerts.single(), mailTo("ciso@example.org"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("localhost:" + closedPort).doesNotContain(PASSWORD));
    }

    @Test
    void aReceiverWithoutAddressesOrWithABadOneIsPermanent() {
        EmailSender sender = sender("none", greenMail.getSmtp().getPort(), PASSWORD, null);

        assertThat(sender.send("dlv-1", Alerts.single(), new ReceiverConfig("hooks-only",
                new WebhookConfig(java.net.URI.create("https://hooks.example.org/annexa"), null, "slack"), null)))
                .isInstanceOf(DeliveryOutcome.Permanent.class);
        assertThat(sender.send("dlv-1", Alerts.single(), mailTo("not an address@@")))
                .isInstanceOfSatisfying(DeliveryOutcome.Permanent.class, p -> assertThat(p.reason()).contains("security-team"));
    }

    @Test
    void theSettingsAndTheSenderNeverPrintThePassword() {
        SmtpSettings settings = new SmtpSettings("smtp.example.org", 587, "starttls", USER, PASSWORD, "annexa@example.org");

        assertThat(settings.toString()).doesNotContain(PASSWORD).contains("password=***", "smtp.example.org", "starttls");
        assertThat(new EmailSender(settings, templates).toString()).doesNotContain(PASSWORD);
    }

    private static String normalized(Object content) {
        return content.toString().replace("\r\n", "\n").strip();
    }
}
