package io.annexa.ingestion.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Account scenarios: CSV through H2's CSVREAD, mapped by the accounts query's own column contract. */
class AccountScenarioTest {

    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    private static final String HEADER = "asset,user_name,enabled,privileged,last_login,owner,uid\n";

    @TempDir
    Path temp;

    @Test
    void everyRowIsAnAccountFiledUnderItsAsset() throws Exception {
        Path file = write("mixed.pass.accounts", HEADER
                + "web1,root,true,true,,ops team,0\n"
                + "web1,alice,yes,no,2026-05-30T08:12:00Z,Alice Martin,1000\n"
                + "DB1.example.org.,bob,f,0,2026-01-15T10:00:00,\"\",\n"
                + "db1.example.org,\"svc, backup\",1,t,2026-05-31T02:00:00+02:00,\"  \",1500\n");

        ScenarioFacts facts = AccountScenario.read(file, "scenario-mixed", OBSERVED);

        EvidenceKey web = new EvidenceKey("accounts", "web1", "scenario");
        EvidenceKey db = new EvidenceKey("accounts", "db1.example.org", "scenario");
        assertThat(facts.evidence()).containsOnlyKeys(web, db);
        assertThat(facts.events()).isEmpty();
        assertThat(facts.evidence().get(web)).map(Account.class::cast).extracting(Account::getUser, Account::isEnabled,
                Account::isPrivileged, Account::getLastLogin, Account::getOwner, Account::getUid, Account::getObservedAt)
                .containsExactly(
                        tuple("root", true, true, null, "ops team", 0, OBSERVED),
                        tuple("alice", true, false, Instant.parse("2026-05-30T08:12:00Z"), "Alice Martin", 1000, OBSERVED));
        assertThat(facts.evidence().get(db)).map(Account.class::cast).extracting(Account::getUser, Account::isEnabled,
                Account::isPrivileged, Account::getLastLogin, Account::getOwner, Account::getUid)
                .containsExactly(
                        // without offset: UTC, as the query contract reads text timestamps
                        tuple("bob", false, false, Instant.parse("2026-01-15T10:00:00Z"), "", null),
                        tuple("svc, backup", true, true, Instant.parse("2026-05-31T00:00:00Z"), "", 1500));
    }

    @Test
    void aHeaderWithoutRowsIsNoAccounts() throws Exception {
        assertThat(AccountScenario.read(write("empty.pass.accounts", HEADER), "x", OBSERVED).evidence()).isEmpty();
    }

    @Test
    void aRowTheRouteWouldSkipRejectsTheScenarioNamingFileAndRow() throws Exception {
        Path file = write("bad.fail.accounts", HEADER
                + "web1,root,true,true,,ops,0\n"
                + "web1,carol,maybe,false,,,1001\n"
                + "web1,dave,true,false,last tuesday,,1002\n");

        assertThatThrownBy(() -> AccountScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": row 2: user 'carol' on web1: enabled is 'maybe', not true or false;"
                        + " row 3: user 'dave' on web1: last_login is 'last tuesday', not an ISO-8601 timestamp");
    }

    @Test
    void aMissingColumnRejectsTheFile() throws Exception {
        Path file = write("nocolumn.fail.accounts", "asset,user_name,enabled,privileged,last_login,owner\nweb1,root,true,true,,ops\n");

        assertThatThrownBy(() -> AccountScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(file + ": the query returns no column 'uid'");
    }

    @Test
    void aMissingFileIsRejected() {
        Path file = temp.resolve("absent.pass.accounts");
        assertThatThrownBy(() -> AccountScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": no such file");
    }

    /** Found by fuzzing: a header of 1,800 columns named alike kept H2 renaming them for minutes (300 take it seconds). */
    @Test
    void aHeaderNamingAColumnTwiceIsRefusedAtLineOne() throws Exception {
        Path file = write("dup.fail.accounts", "asset,user_name" + ",\u00df".repeat(300) + "\nweb1,root\n");

        assertThatThrownBy(() -> AccountScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":1: column '\u00df' appears twice in the header row");
    }

    /** Found by fuzzing: a header of 35,000 quotes took H2 seconds to read, and the complaint quoted all of it. */
    @Test
    void aHeaderRowLongerThanAnyAccountsQueryIsRefusedAtLineOne() throws Exception {
        Path file = write("long.fail.accounts", "ass" + "\u0130\"".repeat(35_000) + "et,user_name,enabled,privileged,last_login,owner,uid\n"
                + "web1,alice,true,true,2026-05-30T08:12:00Z,Alice Martin,1000\n");

        assertThatThrownBy(() -> AccountScenario.read(file, "x", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(1);
            assertThat(e.getReason()).startsWith("the header row is 70055 characters long");
        });
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(temp.resolve(name), text, StandardCharsets.UTF_8);
    }
}
