package io.annexa.evidence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * sshd_config's algorithm lists (Ciphers, MACs, KexAlgorithms) as sshd reads them, for rules:
 * {@code import function io.annexa.evidence.SshAlgorithms.weakEnabled;}.
 */
public final class SshAlgorithms {

    private SshAlgorithms() {
    }

    /**
     * The enabled algorithms matching one of the weak patterns, comma-separated ("" when none). sshd_config(5)
     * list forms, as sshd's kex_assemble_names() applies them to its default list: "+names" appends to it,
     * "^names" puts names first, "-patterns" removes the defaults matching them, anything else replaces the
     * default. sshd accepts wildcards only in the "-" form, so all other names are exact.
     *
     * @param setting      the configured value, or the defaults when the key is not set
     * @param defaults     sshd's default list (a rule parameter: it differs between OpenSSH versions)
     * @param weakPatterns comma-separated names or patterns ({@code *} any characters, {@code ?} one)
     */
    public static String weakEnabled(String setting, String defaults, String weakPatterns) {
        Set<String> enabled = new LinkedHashSet<>();
        if (setting.startsWith("-")) {
            for (String name : names(defaults)) {
                if (!matchesAny(name, setting.substring(1))) {
                    enabled.add(name);
                }
            }
        } else if (setting.startsWith("+") || setting.startsWith("^")) {
            enabled.addAll(names(setting.substring(1)));
            enabled.addAll(names(defaults));
        } else {
            enabled.addAll(names(setting));
        }
        StringJoiner weak = new StringJoiner(",");
        for (String name : enabled) {
            if (matchesAny(name, weakPatterns)) {
                weak.add(name);
            }
        }
        return weak.toString();
    }

    private static List<String> names(String list) {
        List<String> names = new ArrayList<>();
        for (String name : list.split("[,\\s]+")) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** sshd's match_pattern(): '*' stands for any run of characters, '?' for one; case matters. */
    private static boolean matchesAny(String name, String patterns) {
        for (String pattern : names(patterns)) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            if (name.matches(regex.toString())) {
                return true;
            }
        }
        return false;
    }
}
