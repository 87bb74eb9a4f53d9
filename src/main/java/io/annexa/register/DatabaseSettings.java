package io.annexa.register;

import java.nio.file.Path;

/**
 * Where the register keeps its data. The default is an H2 file database under the data directory,
 * so Annexa runs with nothing installed and keeps its register across restarts.
 */
public record DatabaseSettings(String url, String user, String password) {

    /**
     * H2 by default writes a commit to its file up to 500 ms later (WRITE_DELAY), so a process killed in that time
     * loses transactions it had committed: an alert delivery already sent would be made again under a new webhook-id.
     * {@code WRITE_DELAY=0} writes each commit before it returns (to the operating system, not fsync'd: a killed
     * process loses nothing, a power failure may; PostgreSQL is the database for that).
     */
    public static DatabaseSettings embedded(Path dataDirectory) {
        Path file = dataDirectory.toAbsolutePath().normalize().resolve("db").resolve("annexa");
        return new DatabaseSettings("jdbc:h2:file:" + file + ";WRITE_DELAY=0", "sa", "");
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
