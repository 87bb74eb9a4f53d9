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

    /** The JDBC driver class for the URL; only the two databases Annexa is tested on are accepted. */
    public String driver() {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        throw new IllegalArgumentException("annexa.db.url '" + url + "' is neither jdbc:h2: nor jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + " as " + user + "]";
    }
}
