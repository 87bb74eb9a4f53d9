package io.annexa.alerting;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends a notification as one e-mail (multipart/alternative: plain text and HTML, from the operators'
 * templates) to the receiver's addresses through the configured SMTP server.
 *
 * <p>TLS: {@code starttls} requires the upgrade (a server that does not offer it is refused, never used in
 * clear text); {@code tls} speaks TLS from the first byte (SMTPS). Both check the server's certificate and
 * its host name. Jakarta Mail and its Angus implementation are Payara's own at run time (provided scope).
 */
public final class EmailSender implements AlertSender {

    /** When {@code annexa.alerts.smtp.timeout-ms} is not given: connect, read and write each. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SmtpSettings smtp;
    private final AlertTemplates templates;
    private final Duration timeout;
    private final SSLSocketFactory tls;

    public EmailSender(SmtpSettings smtp, AlertTemplates templates) {
        this(smtp, templates, DEFAULT_TIMEOUT);
    }

    public EmailSender(SmtpSettings smtp, AlertTemplates templates, Duration timeout) {
        this(smtp, templates, timeout, null);
    }

    /** @param tls the TLS socket factory, for a server whose certificate the JVM's trust store does not hold; null: the JVM's */
    EmailSender(SmtpSettings smtp, AlertTemplates templates, Duration timeout, SSLSocketFactory tls) {
        this.smtp = smtp;
        this.templates = templates;
        this.timeout = timeout;
        this.tls = tls;
    }

    @Override
    public DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver) {
        EmailConfig email = receiver.email();
        if (email == null || email.to() == null || email.to().isEmpty()) {
            return new DeliveryOutcome.Permanent("receiver '" + receiver.name() + "' has no e-mail addresses");
        }
        if (smtp.host().isEmpty()) {
            return new DeliveryOutcome.Permanent(SmtpSettings.PREFIX + "host is not set");
        }
        String protocol = smtp.security().equals(SmtpSettings.TLS) ? "smtps" : "smtp";
        Session session = Session.getInstance(properties(protocol));
        MimeMessage message;
        try {
            message = message(session, deliveryId, notification, email);
        } catch (AddressException e) {
            return new DeliveryOutcome.Permanent("an address of receiver '" + receiver.name() + "' or "
                    + SmtpSettings.PREFIX + "from is not valid: " + e.getMessage());
        } catch (MessagingException e) {
            return new DeliveryOutcome.Permanent("cannot build the alert e-mail: " + e.getMessage());
        }
        String server = smtp.host() + ":" + smtp.port();
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(smtp.host(), smtp.port(), smtp.authenticates() ? smtp.username() : null,
                    smtp.authenticates() ? smtp.password() : null);
            transport.sendMessage(message, message.getAllRecipients());
            return new DeliveryOutcome.Delivered(250);
        } catch (AuthenticationFailedException e) {
            return new DeliveryOutcome.Permanent("SMTP server " + server + " refused the login of '" + smtp.username()
                    + "': " + e.getMessage());
        } catch (SendFailedException e) {
            int code = code(e);
            String reason = "SMTP server " + server + " refused the message" + (code > 0 ? " (" + code + ")" : "") + ": "
                    + e.getMessage();
            return code >= 400 && code < 500 ? new DeliveryOutcome.Retry(reason, null) : new DeliveryOutcome.Permanent(reason);
        } catch (MessagingException e) {
            String reason = "sending through SMTP server " + server + " failed: " + e.getMessage()
                    + (e.getCause() == null || e.getCause() == e ? "" : " (" + e.getCause().getMessage() + ")");
            if (e.getMessage() != null && e.getMessage().contains("STARTTLS is required")) {
                return new DeliveryOutcome.Permanent(reason);
            }
            // the server could not be reached, dropped the connection or answered slowly: another time may do
            return new DeliveryOutcome.Retry(reason, null);
        }
    }

    private static int code(SendFailedException e) {
        if (e instanceof SMTPSendFailedException sent) {
            return sent.getReturnCode();
        }
        if (e instanceof SMTPAddressFailedException address) {
            return address.getReturnCode();
        }
        // the reasons per address are chained; the first that has a code speaks for all
        Exception next = e.getNextException();
        while (next != null) {
            if (next instanceof SMTPAddressFailedException address) {
                return address.getReturnCode();
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return 0;
    }

    private MimeMessage message(Session session, String deliveryId, Notification notification, EmailConfig email)
            throws MessagingException {
        RenderedMail mail = templates.render(notification);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(smtp.from(), true));
        List<InternetAddress> to = new ArrayList<>();
        for (String address : email.to()) {
            to.add(new InternetAddress(address, true));
        }
        message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        // RFC 3834: auto-responders and vacation replies stay quiet
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Annexa-Delivery-Id", deliveryId);
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
        // multipart/alternative lists the preferred part last
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.setSentDate(new java.util.Date());
        message.saveChanges();
        return message;
    }

    private Properties properties(String protocol) {
        String p = "mail." + protocol + ".";
        Properties properties = new Properties();
        // the protocol trace, if an operator turns it on, must still not carry the login
        properties.put("mail.debug.auth", "false");
        properties.put(p + "host", smtp.host());
        properties.put(p + "port", Integer.toString(smtp.port()));
        String millis = Long.toString(timeout.toMillis());
        properties.put(p + "connectiontimeout", millis);
        properties.put(p + "timeout", millis);
        properties.put(p + "writetimeout", millis);
        properties.put(p + "auth", Boolean.toString(smtp.authenticates()));
        if (smtp.security().equals(SmtpSettings.STARTTLS)) {
            properties.put(p + "starttls.enable", "true");
            properties.put(p + "starttls.required", "true");
        }
        if (!smtp.security().equals(SmtpSettings.NONE)) {
            properties.put(p + "ssl.checkserveridentity", "true");
            if (tls != null) {
                properties.put(p + "ssl.socketFactory", tls);
            }
        }
        return properties;
    }

    @Override
    public String toString() {
        return "EmailSender[" + smtp + "]";
    }
}
