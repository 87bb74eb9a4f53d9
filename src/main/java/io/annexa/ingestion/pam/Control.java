package io.annexa.ingestion.pam;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The control word of a PAM rule as libpam understands it ({@code _pam_parse_conf_file}, {@code _pam_parse_control}):
 * a keyword, compared case-insensitively, or a bracketed list of {@code return=action} pairs. libpam turns anything
 * else into a module that fails every time, which no administrator means, so it is rejected.
 */
final class Control {

    static final Set<String> KEYWORDS = Set.of("required", "requisite", "sufficient", "optional", "include", "substack");
    /** Keywords whose "module" is another service file, not a module. */
    static final Set<String> INCLUDING = Set.of("include", "substack");

    /** libpam's {@code _pam_token_returns}: what a module may return, plus "default". */
    private static final Set<String> RETURNS = Set.of("success", "open_err", "symbol_err", "service_err", "system_err",
            "buf_err", "perm_denied", "auth_err", "cred_insufficient", "authinfo_unavail", "user_unknown", "maxtries",
            "new_authtok_reqd", "acct_expired", "session_err", "cred_unavail", "cred_expired", "cred_err",
            "no_module_data", "conv_err", "authtok_err", "authtok_recover_err", "authtok_lock_busy",
            "authtok_disable_aging", "try_again", "ignore", "abort", "authtok_expired", "module_unknown", "bad_item",
            "default");
    /** libpam's {@code _pam_token_actions}; a jump over a positive number of lines is the other choice. */
    private static final Set<String> ACTIONS = Set.of("ignore", "ok", "done", "bad", "die", "reset");

    private Control() {
    }

    /** The control written canonically: a keyword in lower case, or {@code [return=action ...]} with single blanks. */
    static String parse(Tokens.Token token, String file, int line) throws InvalidInputException {
        if (!token.bracketed()) {
            String keyword = token.text().toLowerCase(Locale.ROOT);
            if (!KEYWORDS.contains(keyword)) {
                throw new InvalidInputException(file, line, "unknown control '" + token.text() + "': use required, "
                        + "requisite, sufficient, optional, include, substack or [return=action ...]");
            }
            return keyword;
        }
        if (!token.closed()) {
            throw new InvalidInputException(file, line, "control '[" + token.text() + "' has no closing ']'");
        }
        List<String> pairs = new ArrayList<>();
        // libpam allows blanks around '=', so "success = ok" is one pair.
        for (String word : token.text().strip().replaceAll("\\s*=\\s*", "=").split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int equals = word.indexOf('=');
            String value = equals < 0 ? word : word.substring(0, equals);
            String action = equals < 0 ? "" : word.substring(equals + 1);
            if (!RETURNS.contains(value)) {
                throw new InvalidInputException(file, line, "unknown return value '" + value + "' in control ["
                        + token.text() + "]");
            }
            if (!ACTIONS.contains(action) && !action.matches("0*[1-9][0-9]*")) {
                throw new InvalidInputException(file, line, "'" + word + "' in control [" + token.text()
                        + "]: the action must be ignore, ok, done, bad, die, reset or a jump of at least 1");
            }
            pairs.add(value + "=" + action);
        }
        return "[" + String.join(" ", pairs) + "]";
    }
}
