package io.annexa.register;

import java.nio.file.Path;

/**
 * Where the register keeps its data. The default is an H2 file database under the data directory,
 * so Annexa runs with nothing installed and keeps its register across restarts.
 */
public record DatabaseSettings(String url, String user, String password) {

    public static DatabaseSettings embedded(Path dataDirectory) {
        Path file = dataDirectory.toAbsolutePath().normalize().resolve("db").resolve("annexa");
        return new DatabaseSettings("jdbc:h2:file:" + file, "sa", "");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + " as " + user + "]";
    }
}
