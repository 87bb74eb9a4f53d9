package io.annexa.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes {@code <home>/config/annexa.properties} a MicroProfile Config source, read at start-up.
 * Its ordinal (200) puts it above the application's defaults and below environment variables (300)
 * and system properties (400), so {@code ANNEXA_DATA=/srv/annexa} beats the file.
 */
public final class HomeConfigSource implements ConfigSource {

    static final String FILE = "annexa.properties";

    private final Map<String, String> properties;
    private final String name;

    public HomeConfigSource() {
        Path file = AnnexaHome.locateHome().resolve("config").resolve(FILE);
        this.name = "annexa-home:" + file;
        this.properties = read(file);
    }

    private static Map<String, String> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file, e);
        }
        Map<String, String> values = new HashMap<>();
        loaded.stringPropertyNames().forEach(key -> values.put(key, loaded.getProperty(key).strip()));
        return Map.copyOf(values);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getOrdinal() {
        return 200;
    }
}
