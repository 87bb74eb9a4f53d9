package io.annexa.alerting;

import java.time.Duration;
import java.util.Locale;
import org.eclipse.microprofile.config.Config;

/**
 * How alert e-mail reaches the SMTP server: keys {@code annexa.alerts.smtp.host}, {@code port},
 * {@code security} ({@code none}, {@code starttls} or {@code tls}), {@code username}, {@code password},
 * {@code from}. An empty username means no authentication.
 */
public record SmtpSettings(String host, int port, String security /* none|starttls|tls */, String username,
        String password, String from) {

    public static final String PREFIX = "annexa.alerts.smtp.";
    static final String NONE = "none";
    static final String STARTTLS = "starttls";
    static final String TLS = "tls";

    /** @throws IllegalArgumentException for a security mode other than none, starttls, tls, or a port out of range */
    public SmtpSettings {
        host = host == null ? "" : host.strip();
        security = security == null || security.isBlank() ? STARTTLS : security.strip().toLowerCase(Locale.ROOT);
        if (!security.equals(NONE) && !security.equals(STARTTLS) && !security.equals(TLS)) {
            throw new IllegalArgumentException(PREFIX + "security is '" + security + "'; allowed: none, starttls, tls");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(PREFIX + "port " + port + " is outside 1..65535");
        }
        username = username == null ? "" : username.strip();
        password = password == null ? "" : password;
        from = from == null ? "" : from.strip();
    }

    /**
     * Reads the {@code annexa.alerts.smtp.*} keys. Defaults: localhost, STARTTLS, port 587 (465 for tls, 25 for
     * none), no authentication, from {@code annexa@localhost}.
     */
    public static SmtpSettings from(Config config) {
        String security = config.getOptionalValue(PREFIX + "security", String.class).orElse(STARTTLS);
        String normalized = security.strip().toLowerCase(Locale.ROOT);
        int defaultPort = switch (normalized) {
            case TLS -> 465;
            case NONE -> 25;
            default -> 587;
        };
        return new SmtpSettings(
                config.getOptionalValue(PREFIX + "host", String.class).orElse("localhost"),
                config.getOptionalValue(PREFIX + "port", Integer.class).orElse(defaultPort),
                security,
                config.getOptionalValue(PREFIX + "username", String.class).orElse(""),
                config.getOptionalValue(PREFIX + "password", String.class).orElse(""),
                config.getOptionalValue(PREFIX + "from", String.class).orElse("annexa@localhost"));
    }

    /** {@code annexa.alerts.smtp.timeout-ms}: connect, read and write each; default 30 s. */
    public static Duration timeout(Config config) {
        long millis = config.getOptionalValue(PREFIX + "timeout-ms", Long.class).orElse(EmailSender.DEFAULT_TIMEOUT.toMillis());
        if (millis < 1) {
            throw new IllegalArgumentException(PREFIX + "timeout-ms must be at least 1");
        }
        return Duration.ofMillis(millis);
    }

    boolean authenticates() {
        return !username.isEmpty();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password.isEmpty() ? "none" : "***") + ", from=" + from + "]";
    }
}
