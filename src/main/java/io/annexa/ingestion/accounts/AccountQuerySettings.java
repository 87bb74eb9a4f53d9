package io.annexa.ingestion.accounts;

import io.annexa.evidence.InvalidInputException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where the accounts query runs, read on every run so a changed setting applies at the next period.
 *
 * @param timeoutSeconds how long the query may run before the driver cancels it
 */
record AccountQuerySettings(String url, String user, String password, String query, int timeoutSeconds) {

    static final String URL = "annexa.sources.accounts.url";
    static final String USER = "annexa.sources.accounts.user";
    static final String PASSWORD = "annexa.sources.accounts.password";
    static final String QUERY = "annexa.sources.accounts.query";
    static final String TIMEOUT = "annexa.sources.accounts.timeout-seconds";
    private static final int DEFAULT_TIMEOUT_SECONDS = 30;

    static AccountQuerySettings from(Function<String, Optional<String>> settings) throws InvalidInputException {
        String url = settings.apply(URL).orElseThrow(() -> unset(URL, "the JDBC URL of the database to query"));
        String query = settings.apply(QUERY).orElseThrow(() -> unset(QUERY, "the SELECT returning the accounts"));
        return new AccountQuerySettings(url, settings.apply(USER).orElse(""), settings.apply(PASSWORD).orElse(""), query,
                timeout(settings.apply(TIMEOUT)));
    }

    private static int timeout(Optional<String> value) throws InvalidInputException {
        if (value.isEmpty()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        try {
            int seconds = Integer.parseInt(value.get());
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below, with the setting's name
        }
        throw new InvalidInputException(TIMEOUT, 0, "'" + value.get() + "' is not a positive number of seconds");
    }

    private static InvalidInputException unset(String setting, String what) {
        return new InvalidInputException(setting, 0, "is not set; the accounts source needs " + what);
    }

    Properties credentials() {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        return credentials;
    }

    /** Without the password: settings end up in logs and dead letters. */
    @Override
    public String toString() {
        return "AccountQuerySettings[url=" + url + ", user=" + user + ", timeoutSeconds=" + timeoutSeconds + "]";
    }
}
