package io.annexa.evidence;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a traditional syslog selector ({@code *.*;auth,authpriv.none}) lets through, computed the way rsyslog
 * builds its priority masks: parts separated by {@code ;} apply in order, a priority selects itself and everything
 * more severe, {@code =} only itself, {@code !} removes instead of adds, {@code none} clears the facility, {@code *}
 * means every facility or every priority.
 *
 * <p>For rules: an rsyslog.conf {@code action} entry whose {@code scope} is a selector answers "where do auth
 * messages go": {@code ConfigEntry(source == "rsyslog.conf", key == "action", SyslogSelector.selectsAny(scope, "auth"))}.
 * A scope that is not a plain selector (an {@code if}, a property filter, a ruleset) answers false.
 */
public final class SyslogSelector {

    private static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    private static final Map<String, String> PRIORITY_ALIASES = Map.of("panic", "emerg", "error", "err", "warn", "warning");
    private static final int ALL_PRIORITIES = 0xFF;
    /** rsyslog's facility names, mark last; security is an old name of auth. */
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7", "mark");
    private static final Map<String, String> FACILITY_ALIASES = Map.of("security", "auth");

    private final Map<String, Integer> masks;

    private SyslogSelector(Map<String, Integer> masks) {
        this.masks = masks;
    }

    /**
     * @throws IllegalArgumentException naming the part rsyslog would refuse (an unknown facility or priority)
     */
    public static SyslogSelector parse(String selector) {
        Map<String, Integer> masks = new HashMap<>();
        for (String part : selector.split(";")) {
            int dot = part.lastIndexOf('.');
            if (dot <= 0 || dot == part.length() - 1) {
                throw new IllegalArgumentException("'" + part + "' is not facility.priority");
            }
            applyPart(masks, part.substring(0, dot).toLowerCase(Locale.ROOT), part.substring(dot + 1).toLowerCase(Locale.ROOT));
        }
        return new SyslogSelector(masks);
    }

    /** Whether the selector lets through messages of this facility at this priority ({@code "auth", "info"}). */
    public static boolean selects(String selector, String facility, String priority) {
        SyslogSelector parsed = tryParse(selector);
        int level = PRIORITIES.indexOf(canonicalPriority(priority));
        return parsed != null && level >= 0 && (parsed.mask(facility) & (1 << level)) != 0;
    }

    /** Whether the selector lets through messages of this facility at some priority. */
    public static boolean selectsAny(String selector, String facility) {
        SyslogSelector parsed = tryParse(selector);
        return parsed != null && parsed.mask(facility) != 0;
    }

    private int mask(String facility) {
        return masks.getOrDefault(canonicalFacility(facility), 0);
    }

    private static SyslogSelector tryParse(String selector) {
        try {
            return selector == null || selector.isBlank() ? null : parse(selector);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void applyPart(Map<String, Integer> masks, String facilities, String priority) {
        boolean remove = priority.startsWith("!");
        String rest = remove ? priority.substring(1) : priority;
        boolean single = rest.startsWith("=");
        String name = single ? rest.substring(1) : rest;
        int bits;
        if (name.equals("none")) {
            bits = -1;
        } else if (name.equals("*")) {
            bits = ALL_PRIORITIES;
        } else {
            int level = PRIORITIES.indexOf(canonicalPriority(name));
            if (level < 0) {
                throw new IllegalArgumentException("unknown priority '" + name + "'");
            }
            bits = single ? 1 << level : (1 << (level + 1)) - 1;
        }
        for (String facility : facilities.split(",")) {
            // '*' is every facility but the internal mark messages, as in rsyslog.
            List<String> targets = facility.equals("*")
                    ? FACILITIES.subList(0, FACILITIES.size() - 1) : List.of(canonicalFacility(facility));
            if (!facility.equals("*") && !FACILITIES.contains(targets.get(0))) {
                throw new IllegalArgumentException("unknown facility '" + facility + "'");
            }
            for (String target : targets) {
                int mask = masks.getOrDefault(target, 0);
                masks.put(target, bits == -1 ? 0 : remove ? mask & ~bits : mask | bits);
            }
        }
    }

    private static String canonicalPriority(String name) {
        return PRIORITY_ALIASES.getOrDefault(name.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
    }

    private static String canonicalFacility(String name) {
        return FACILITY_ALIASES.getOrDefault(name.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
    }
}
