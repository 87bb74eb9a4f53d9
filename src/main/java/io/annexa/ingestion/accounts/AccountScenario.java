package io.annexa.ingestion.accounts;

import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Reads an accounts scenario: a CSV file whose header row names the columns of the accounts query
 * ({@code asset,user_name,enabled,privileged,last_login,owner,uid}), queried through JDBC from an in-memory
 * H2 database ({@code CSVREAD}) and mapped by the same code as the route's query result. Every value arrives
 * as text, as from a query over text columns: an empty field is null, {@code ""} is empty text, last_login
 * is ISO-8601 ({@code 2026-05-01T08:00:00Z}, UTC without offset).
 *
 * <p>Unlike the route, a scenario refuses a row the route would skip: a rule's test must not quietly test less.
 */
public final class AccountScenario {

    private static final int MAX_HEADER_CHARS = 1024;

    private AccountScenario() {
    }

    public static ScenarioFacts read(Path file, String asset, Instant observedAt) throws InvalidInputException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file.toString(), 0, "no such file");
        }
        checkHeader(file);
        String csv = file.toAbsolutePath().toString().replace("'", "''");
        AccountQueryIngest.Result result;
        // a private in-memory database per connection, gone when it closes
        // the driver directly, not through DriverManager, which in an application server may not see it
        try (Connection connection = new org.h2.Driver().connect("jdbc:h2:mem:", new Properties());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM CSVREAD('" + csv + "', NULL, 'charset=UTF-8')")) {
            result = AccountQueryIngest.read(rows, observedAt);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file.toString(), 0, e.getReason());
        } catch (SQLException e) {
            throw new InvalidInputException(file.toString(), 0, "cannot be read as CSV: " + e.getMessage());
        }
        if (!result.rejected().isEmpty()) {
            // rows count from 1 after the header row
            throw new InvalidInputException(file.toString(), 0, String.join("; ", result.rejected()));
        }
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        for (Account account : result.accounts()) {
            evidence.computeIfAbsent(new EvidenceKey(AccountQueryIngest.SOURCE, account.asset(), "scenario"), k -> new ArrayList<>())
                    .add(account);
        }
        return new ScenarioFacts(evidence, List.of());
    }

    /**
     * H2 renames duplicate CSV columns one at a time (a few hundred take it seconds, thousands minutes) and
     * reads a long quoted column name slowly; the seven columns of an account need neither. The accounts
     * query's mapping could not use duplicates anyway (the first of two equal names wins).
     */
    private static void checkHeader(Path file) throws InvalidInputException {
        String header;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            header = Objects.requireNonNullElse(reader.readLine(), "");
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), 1, "the header row cannot be read: " + e);
        }
        if (header.length() > MAX_HEADER_CHARS) {
            throw new InvalidInputException(file.toString(), 1, "the header row is " + header.length()
                    + " characters long; the columns " + String.join(",", AccountColumns.NAMES) + " need far less than "
                    + MAX_HEADER_CHARS);
        }
        Set<String> seen = new HashSet<>();
        for (String column : header.split(",", -1)) {
            String name = column.replace("\"", "").strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !seen.add(name)) {
                throw new InvalidInputException(file.toString(), 1, "column '" + name + "' appears twice in the header row");
            }
        }
    }
}
