package io.annexa;

import java.nio.file.Path;

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

    public static Path integrations() {
        return root().resolve("integrations");
    }
}
