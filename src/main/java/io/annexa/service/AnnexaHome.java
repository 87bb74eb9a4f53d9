package io.annexa.service;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where Annexa reads what operators edit ({@code config/}, {@code rules/}, {@code integrations/}:
 * the home directory) and where it keeps what it produces (database, dead letters, inboxes: the
 * data directory).
 *
 * <p>The home is {@code ANNEXA_HOME} (or {@code -Dannexa.home}); when unset, the copies bundled in the
 * application are used, so a plain start needs no set-up.
 */
public record AnnexaHome(Path home, Path data) {

    static final String BUNDLED = "/annexa-home/config/annexa.properties";

    public AnnexaHome {
        home = home.toAbsolutePath().normalize();
        data = data.toAbsolutePath().normalize();
    }

    public Path config() {
        return home.resolve("config");
    }

    public Path rules() {
        return home.resolve("rules");
    }

    public Path integrations() {
        return home.resolve("integrations");
    }

    /** The drop folder for one kind of input: {@code <data>/inbox/sshd_config}. */
    public Path inbox(String kind) {
        return data.resolve("inbox").resolve(kind);
    }

    public Path deadLetters() {
        return data.resolve("dead-letter");
    }

    /** The home directory, from the environment or system properties only: it is where configuration lives. */
    static Path locateHome() {
        return configured("annexa.home", "ANNEXA_HOME").map(Path::of).orElseGet(AnnexaHome::bundledHome);
    }

    static Optional<String> configured(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static Path bundledHome() {
        URL marker = AnnexaHome.class.getResource(BUNDLED);
        if (marker == null || !"file".equals(marker.getProtocol())) {
            throw new IllegalStateException("no bundled home found (" + BUNDLED + " at " + marker
                    + "): set ANNEXA_HOME to a directory holding config/, rules/ and integrations/");
        }
        try {
            Path home = Path.of(marker.toURI()).getParent().getParent();
            if (!Files.isDirectory(home.resolve("rules"))) {
                throw new IllegalStateException("bundled home " + home + " has no rules/ directory");
            }
            return home;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bundled home at " + marker + " is not a usable path", e);
        }
    }
}
