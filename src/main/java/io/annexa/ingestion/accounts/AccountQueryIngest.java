package io.annexa.ingestion.accounts;

import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of the {@code accounts-query} route: runs the configured query against an identity database
 * (plain JDBC; PostgreSQL and H2 drivers are bundled) and hands the accounts over per asset. The columns
 * the query must return are {@link AccountColumns}' contract.
 *
 * <p>A row that breaks the contract is skipped and counted as an error with its row number; the others are
 * handed over. A missing setting, a missing column, a failing query, or a result of which no row is usable
 * is rejected as a whole (dead-lettered) and the previous accounts stay: a broken query is not an
 * identity store without accounts.
 */
public final class AccountQueryIngest implements Processor {

    public static final String SOURCE = "accounts";
    private static final int FETCH_SIZE = 500;
    private static final Logger LOG = Logger.getLogger(AccountQueryIngest.class.getName());

    private final SourceContext context;
    /** Assets each route delivered last time, to empty those the next result no longer lists. */
    private final Map<String, Set<String>> delivered = new ConcurrentHashMap<>();

    static {
        // In Payara, DriverManager may have looked for drivers before this application's libraries were
        // visible; loading the bundled ones registers them with it.
        for (String driver : List.of("org.postgresql.Driver", "org.h2.Driver")) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                LOG.fine(() -> "JDBC driver " + driver + " is not bundled");
            }
        }
    }

    public AccountQueryIngest(SourceContext context) {
        this.context = context;
    }

    /** The accounts of one run, and why the other rows were left out. */
    record Result(List<Account> accounts, List<String> rejected) {
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String routeId = exchange.getFromRouteId();
        Result result = query(AccountQuerySettings.from(context::setting), Instant.now());
        if (result.accounts().isEmpty() && !result.rejected().isEmpty()) {
            throw new InvalidInputException(AccountQuerySettings.QUERY, 0, "none of the " + result.rejected().size()
                    + " rows could be used, so the previous accounts are kept; " + result.rejected().get(0));
        }
        for (String rejected : result.rejected()) {
            context.monitor().failed(routeId, AccountQuerySettings.QUERY + ": " + rejected + "; row skipped", false);
        }
        if (!result.rejected().isEmpty()) {
            LOG.warning(() -> "route " + routeId + " skipped " + result.rejected().size() + " rows of "
                    + AccountQuerySettings.QUERY + ", first: " + result.rejected().get(0));
        }
        handOver(routeId, result.accounts());
        context.monitor().read(routeId, result.accounts().size());
    }

    Result query(AccountQuerySettings settings, Instant observedAt) throws SQLException, InvalidInputException {
        try (Connection connection = DriverManager.getConnection(settings.url(), settings.credentials())) {
            // PostgreSQL enforces read-only only inside a transaction, so autocommit goes off first
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(settings.timeoutSeconds());
                // with autocommit off, PostgreSQL streams in batches instead of loading every row at once
                statement.setFetchSize(FETCH_SIZE);
                try (ResultSet rows = statement.executeQuery(settings.query())) {
                    Result result = read(rows, observedAt);
                    connection.rollback();
                    return result;
                }
            }
        }
    }

    /** Maps a result with {@link AccountColumns}' columns; also how account scenarios (CSV read through H2) are read. */
    static Result read(ResultSet rows, Instant observedAt) throws SQLException, InvalidInputException {
        AccountColumns columns = AccountColumns.of(rows.getMetaData());
        List<Account> accounts = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (int row = 1; rows.next(); row++) {
            try {
                accounts.add(columns.account(rows, SOURCE, observedAt));
            } catch (AccountColumns.RejectedRow e) {
                rejected.add("row " + row + ": " + e.getMessage());
            }
        }
        return new Result(List.copyOf(accounts), List.copyOf(rejected));
    }

    private void handOver(String routeId, List<Account> accounts) {
        Map<String, List<Object>> byAsset = accounts.stream().collect(Collectors.groupingBy(Account::getAsset,
                LinkedHashMap::new, Collectors.mapping(Object.class::cast, Collectors.toList())));
        byAsset.forEach((asset, facts) -> context.sink().replace(new EvidenceKey(SOURCE, asset, routeId), facts));
        Set<String> previous = delivered.put(routeId, Set.copyOf(byAsset.keySet()));
        if (previous != null) {
            previous.stream().filter(asset -> !byAsset.containsKey(asset))
                    .forEach(asset -> context.sink().replace(new EvidenceKey(SOURCE, asset, routeId), List.of()));
        }
    }
}
