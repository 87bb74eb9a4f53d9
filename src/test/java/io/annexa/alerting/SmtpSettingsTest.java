package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

    @Test
    void withoutKeysItSendsThroughLocalhostWithStarttls() {
        SmtpSettings settings = SmtpSettings.from(new MapConfig(Map.of()));

        assertThat(settings).isEqualTo(new SmtpSettings("localhost", 587, "starttls", "", "", "annexa@localhost"));
        assertThat(SmtpSettings.timeout(new MapConfig(Map.of()))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theDefaultPortFollowsTheSecurityMode() {
        assertThat(SmtpSettings.from(new MapConfig(Map.of("annexa.alerts.smtp.security", "tls"))).port()).isEqualTo(465);
        assertThat(SmtpSettings.from(new MapConfig(Map.of("annexa.alerts.smtp.security", "none"))).port()).isEqualTo(25);
    }

    @Test
    void readsEveryKey() {
        SmtpSettings settings = SmtpSettings.from(new MapConfig(Map.of(
                "annexa.alerts.smtp.host", "smtp.example.org", "annexa.alerts.smtp.port", "2525",
                "annexa.alerts.smtp.security", "TLS", "annexa.alerts.smtp.username", "alerts",
                "annexa.alerts.smtp.password", "p4ss", "annexa.alerts.smtp.from", "Annexa <annexa@example.org>",
                "annexa.alerts.smtp.timeout-ms", "1500")));

        assertThat(settings).isEqualTo(new SmtpSettings("smtp.example.org", 2525, "tls", "alerts", "p4ss", "Annexa <annexa@example.org>"));
        assertThat(SmtpSettings.timeout(new MapConfig(Map.of("annexa.alerts.smtp.timeout-ms", "1500")))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void anUnknownSecurityModeIsRefusedByName() {
        assertThatThrownBy(() -> SmtpSettings.from(new MapConfig(Map.of("annexa.alerts.smtp.security", "ssl"))))
                .hasMessageContaining("'ssl'").hasMessageContaining("none, starttls, tls");
    }

    /** Properties as Payara's MicroProfile Config hands them over: text, converted on request. */
    private record MapConfig(Map<String, String> values) implements Config {

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            String text = values.get(name);
            if (text == null || text.isEmpty()) {
                return Optional.empty();
            }
            Object value = type == Integer.class ? Integer.valueOf(text) : type == Long.class ? Long.valueOf(text) : text;
            return Optional.of(type.cast(value));
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return java.util.List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new IllegalArgumentException();
        }
    }
}
