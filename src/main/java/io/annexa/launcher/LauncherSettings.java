package io.annexa.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The few settings the launcher needs before the application exists, read with the same precedence as
 * MicroProfile Config reads the rest: system property, then environment variable
 * ({@code annexa.http.host} → {@code ANNEXA_HTTP_HOST}), then {@code config/annexa.properties} of the
 * home directory when {@code ANNEXA_HOME} is set. Blank counts as unset.
 */
final class LauncherSettings {

    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Properties homeFile;

    LauncherSettings(Function<String, String> systemProperties, Map<String, String> environment, Properties homeFile) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.homeFile = homeFile;
    }

    static LauncherSettings fromProcess() {
        Properties file = new Properties();
        String home = Optional.ofNullable(System.getProperty("annexa.home")).orElse(System.getenv("ANNEXA_HOME"));
        if (home != null && !home.isBlank()) {
            Path properties = Path.of(home).resolve("config").resolve("annexa.properties");
            if (Files.isRegularFile(properties)) {
                try (InputStream in = Files.newInputStream(properties)) {
                    file.load(in);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + properties + ": " + e.getMessage(), e);
                }
            }
        }
        return new LauncherSettings(System::getProperty, System.getenv(), file);
    }

    Optional<String> get(String key) {
        return first(systemProperties.apply(key))
                .or(() -> first(environment.get(environmentName(key))))
                .or(() -> first(homeFile.getProperty(key)));
    }

    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Optional<String> first(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
