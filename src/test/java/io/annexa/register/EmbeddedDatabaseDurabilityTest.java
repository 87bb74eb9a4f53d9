package io.annexa.register;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database keeps what was committed when the process dies at once after the commit ({@code kill -9}):
 * the alert guarantees (an event with its change, a delivery's webhook-id across a crash) rest on it.
 */
class EmbeddedDatabaseDurabilityTest {

    @TempDir
    Path data;

    @Test
    void aTransactionCommittedJustBeforeTheProcessIsKilledIsKept() throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommitThenHalt.class.getName(), data.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as("the writer halted right after its commit").isEqualTo(CommitThenHalt.HALTED);

        DatabaseSettings settings = DatabaseSettings.embedded(data);
        try (Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery("select count(*) from committed_then_killed")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2);
        }
    }

    /** Another JVM: commits into the embedded database, then halts without closing anything or running shutdown hooks. */
    public static final class CommitThenHalt {
        static final int HALTED = 37;

        public static void main(String[] args) throws Exception {
            DatabaseSettings settings = DatabaseSettings.embedded(Path.of(args[0]));
            Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
            Statement s = c.createStatement();
            s.execute("create table committed_then_killed (id int)");
            c.setAutoCommit(false);
            s.execute("insert into committed_then_killed values (1), (2)");
            c.commit();
            Runtime.getRuntime().halt(HALTED);
        }
    }
}
