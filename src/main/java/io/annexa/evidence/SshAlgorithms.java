package io.annexa.evidence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
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
        // the same three strings come back host after host across a fleet; the answer depends on nothing else
        List<String> key = List.of(setting, defaults, weakPatterns);
        String known = ANSWERS.get(key);
        if (known != null) {
            return known;
        }
        String answer = assess(setting, defaults, weakPatterns);
        if (ANSWERS.size() >= MAX_ANSWERS) {
            ANSWERS.clear();
        }
        ANSWERS.put(key, answer);
        return answer;
    }

    /** Distinct (setting, defaults, patterns) answers kept; a fleet has a handful, a hostile input cannot grow it. */
    private static final int MAX_ANSWERS = 1024;
    private static final Map<List<String>, String> ANSWERS = new ConcurrentHashMap<>();

    private static String assess(String setting, String defaults, String weakPatterns) {
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
        for (String name : SEPARATORS.split(list)) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

    private static boolean matchesAny(String name, String patterns) {
        for (String pattern : names(patterns)) {
            if (matches(name, pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * sshd's match_pattern(): '*' stands for any run of characters, '?' for one; case matters. Greedy with one
     * backtrack point (the last '*'), which is exact for these two wildcards and linear in practice.
     */
    static boolean matches(String name, String pattern) {
        int n = 0;
        int p = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                n++;
                p++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
