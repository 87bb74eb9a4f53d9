package io.annexa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths into the checked-out project, for tests that read the real rules, routes and configuration. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    public static Path root() {
        return Path.of(System.getProperty("annexa.projectDir", ".")).toAbsolutePath().normalize();
    }

    public static Path rules() {
        return root().resolve("rules");
    }

    /** The two sshd rules the engine and register tests are written against, whatever else the library holds. */
    public static final String[] SSHD_RULES = {
        "technological/c8_05_secure_authentication/sshd_root_login_disabled",
        "technological/c8_05_secure_authentication/sshd_password_authentication_disabled",
    };

    /**
     * Copies some rule folders of the real library into {@code target}, keeping their paths (and so their
     * DRL packages): tests of the engine stay about the engine as the library grows.
     *
     * @return {@code target}
     */
    public static Path rulesSubset(Path target, String... folders) {
        try {
            for (String folder : folders) {
                Path from = rules().resolve(folder);
                try (Stream<Path> files = Files.walk(from)) {
                    for (Path file : files.toList()) {
                        Path to = target.resolve(folder).resolve(from.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(file, to);
                        }
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path integrations() {
        return root().resolve("integrations");
    }
}
