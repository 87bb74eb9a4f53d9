package io.annexa.ingestion.host;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.ingestion.sshd.SshdConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a host snapshot: a folder laid out as the host's {@code /} ({@code etc/ssh/sshd_config},
 * {@code etc/ssh/sshd_config.d/...}), holding what a collection found, into the evidence of every kind Annexa parses,
 * by key, ready to replace the host's previous snapshot at once.
 *
 * <p>Each kind is read from where the host keeps it ({@link #PLACES}), with the parser the routes use and with every
 * include resolved inside the snapshot ({@link IncludeRoot} stands for the host's {@code /}), so an
 * {@code Include /etc/ssh/sshd_config.d/*.conf} reads the snapshot's drop-ins, never this machine's. Files are named
 * in the evidence as on the host ({@code /etc/ssh/sshd_config:14}), not by where the snapshot lies.
 *
 * <p>Command output the collector saved under {@code .annexa/commands/} counts where it is the truth: {@code sshd-T}
 * (the output of {@code sshd -T}) is the sshd configuration in force and replaces the files' global settings (their
 * Match blocks stay, as {@code sshd -T} applies none); {@code auditctl-l} (the loaded audit rules) is evidence of
 * kind {@code audit.rules} beside the rule files. Both are named by their command in the evidence ({@code sshd -T:32}).
 *
 * <p>A kind the snapshot does not hold has no key: the host's previous evidence of that kind is withdrawn with the
 * new snapshot. A file that does not parse makes the whole snapshot fail, so a host is never half replaced.
 */
public final class HostSnapshotReader {

    public static final String SSHD_EFFECTIVE = ".annexa/commands/sshd-T";
    public static final String SSHD_EFFECTIVE_LABEL = "sshd -T";
    public static final String AUDIT_LOADED = ".annexa/commands/auditctl-l";
    public static final String AUDIT_LOADED_LABEL = "auditctl -l";
    /** The part the loaded audit rules are filed under, beside the rule files. */
    public static final String AUDIT_LOADED_PART = "auditctl-l";

    /** Where a host keeps a kind: the first path that exists is read. */
    record Place(String source, List<String> paths) {
    }

    /** One line per kind, where Debian, Ubuntu and Red Hat keep it; PAM and the audit rules folder are read apart. */
    static final List<Place> PLACES = List.of(
            new Place(ConfigSources.AUDITD_CONF, List.of("etc/audit/auditd.conf")),
            new Place(ConfigSources.CHRONY_CONF, List.of("etc/chrony/chrony.conf", "etc/chrony.conf")),
            new Place(ConfigSources.FAILLOCK_CONF, List.of("etc/security/faillock.conf")),
            new Place(ConfigSources.LOGIN_DEFS, List.of("etc/login.defs")),
            new Place(ConfigSources.LOGROTATE_CONF, List.of("etc/logrotate.conf")),
            new Place(ConfigSources.PWQUALITY_CONF, List.of("etc/security/pwquality.conf")),
            new Place(ConfigSources.RSYSLOG_CONF, List.of("etc/rsyslog.conf")),
            new Place(ConfigSources.SUDOERS, List.of("etc/sudoers")));

    static final String PAM_FOLDER = "etc/pam.d";
    /** Package manager leftovers and editor copies are not PAM services (as the pam-local route skips them). */
    static final Pattern NOT_A_SERVICE = Pattern.compile("^\\..*|.*~$|.*\\.((dpkg|ucf)-[a-z]*|rpmnew|rpmsave|bak|orig|swp|tmp)$");
    static final String AUDIT_RULES_FILE = "etc/audit/audit.rules";
    /** augenrules compiles these, in name order, into audit.rules: read when a snapshot has no audit.rules. */
    static final String AUDIT_RULES_FOLDER = "etc/audit/rules.d";

    /**
     * @param root     the snapshot: the host's {@code /}
     * @param asset    the host
     * @param origin   who delivered it (the route id); single-file kinds are filed under it, PAM services and the loaded
     *                 audit rules under {@code origin/<part>}
     * @param observed when the snapshot counts as read
     */
    public Map<EvidenceKey, List<Object>> read(Path root, String asset, String origin, Instant observed)
            throws InvalidInputException, IOException {
        Path base = root.toAbsolutePath().normalize();
        HostPaths paths = new HostPaths(base);
        try {
            return read(base, asset, origin, observed, paths);
        } catch (InvalidInputException e) {
            throw paths.relabel(e);
        }
    }

    private Map<EvidenceKey, List<Object>> read(Path base, String asset, String origin, Instant observed, HostPaths paths)
            throws InvalidInputException, IOException {
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        readSshd(base, asset, origin, observed, paths, evidence);
        for (Place place : PLACES) {
            Optional<Path> file = place.paths().stream().map(base::resolve).filter(Files::isRegularFile).findFirst();
            if (file.isPresent()) {
                ConfigParser parser = ConfigParsers.forSource(place.source(), base).orElseThrow();
                put(evidence, new EvidenceKey(place.source(), asset, origin), paths.relabel(parser.parse(file.get(), asset, observed)));
            }
        }
        readPam(base, asset, origin, observed, paths, evidence);
        readAuditRules(base, asset, origin, observed, paths, evidence);
        return evidence;
    }

    private static void readSshd(Path base, String asset, String origin, Instant observed, HostPaths paths,
                                 Map<EvidenceKey, List<Object>> evidence) throws InvalidInputException, IOException {
        Path files = base.resolve("etc/ssh/sshd_config");
        Path effective = base.resolve(SSHD_EFFECTIVE);
        SshdConfigParser parser = new SshdConfigParser(base);
        ConfigSnapshot read = Files.isRegularFile(files) ? paths.relabel(parser.parse(files, asset, observed)) : null;
        if (Files.isRegularFile(effective)) {
            paths.label(effective, SSHD_EFFECTIVE_LABEL);
            ConfigSnapshot inForce = paths.relabel(parser.parseEffective(effective, SSHD_EFFECTIVE_LABEL, asset, observed));
            List<ConfigEntry> entries = new ArrayList<>(inForce.entries());
            if (read != null) {
                read.entries().stream().filter(entry -> !entry.isGlobal()).forEach(entries::add);
            }
            read = new ConfigSnapshot(inForce.file(), entries, read == null ? List.of() : read.unresolved());
        }
        if (read != null) {
            put(evidence, new EvidenceKey(ConfigSources.SSHD_CONFIG, asset, origin), read);
        }
    }

    private static void readPam(Path base, String asset, String origin, Instant observed, HostPaths paths,
                                Map<EvidenceKey, List<Object>> evidence) throws InvalidInputException, IOException {
        ConfigParser parser = ConfigParsers.forSource(ConfigSources.PAM_D).orElseThrow();
        List<Path> services = IncludeRoot.filesIn(base.resolve(PAM_FOLDER), name -> !NOT_A_SERVICE.matcher(name).matches());
        java.util.Set<String> held = new java.util.HashSet<>();
        services.forEach(service -> held.add(service.getFileName().toString()));
        for (Path service : services) {
            ConfigSnapshot read = paths.relabel(parser.parse(service, asset, observed));
            List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();
            for (ConfigEntry entry : read.entries()) {
                included(entry).filter(target -> !held.contains(target)).ifPresent(target -> unresolved.add(
                        new io.annexa.evidence.UnresolvedInclude(asset, ConfigSources.PAM_D, entry.getFile(), entry.getLine(), target,
                                "/" + PAM_FOLDER + "/" + target + " is not in the snapshot", observed)));
            }
            put(evidence, new EvidenceKey(ConfigSources.PAM_D, asset, origin + "/" + service.getFileName()),
                    new ConfigSnapshot(read.file(), read.entries(), unresolved));
        }
    }

    private static void readAuditRules(Path base, String asset, String origin, Instant observed, HostPaths paths,
                                       Map<EvidenceKey, List<Object>> evidence) throws InvalidInputException, IOException {
        ConfigParser parser = ConfigParsers.forSource(ConfigSources.AUDIT_RULES).orElseThrow();
        Path compiled = base.resolve(AUDIT_RULES_FILE);
        if (Files.isRegularFile(compiled)) {
            put(evidence, new EvidenceKey(ConfigSources.AUDIT_RULES, asset, origin), paths.relabel(parser.parse(compiled, asset, observed)));
        } else {
            List<Path> parts = IncludeRoot.filesIn(base.resolve(AUDIT_RULES_FOLDER), name -> name.endsWith(".rules"));
            if (!parts.isEmpty()) {
                List<ConfigEntry> entries = new ArrayList<>();
                for (Path part : parts) {
                    entries.addAll(paths.relabel(parser.parse(part, asset, observed)).entries());
                }
                ConfigFile folder = new ConfigFile(asset, ConfigSources.AUDIT_RULES, "/" + AUDIT_RULES_FOLDER + "/*.rules", observed);
                put(evidence, new EvidenceKey(ConfigSources.AUDIT_RULES, asset, origin), new ConfigSnapshot(folder, entries));
            }
        }
        Path loaded = base.resolve(AUDIT_LOADED);
        if (Files.isRegularFile(loaded)) {
            paths.label(loaded, AUDIT_LOADED_LABEL);
            ConfigSnapshot read = Files.readString(loaded, java.nio.charset.StandardCharsets.ISO_8859_1).strip().equals("No rules")
                    ? new ConfigSnapshot(new ConfigFile(asset, ConfigSources.AUDIT_RULES, AUDIT_LOADED_LABEL, observed), List.of())
                    : paths.relabel(parser.parse(loaded, asset, observed));
            put(evidence, new EvidenceKey(ConfigSources.AUDIT_RULES, asset, origin + "/" + AUDIT_LOADED_PART), read);
        }
    }

    /** The service a PAM line includes: {@code @include common-auth}, {@code auth include system-auth}, {@code ... substack ...}. */
    private static Optional<String> included(ConfigEntry entry) {
        if (entry.getKey().equals("@include")) {
            return Optional.of(entry.getValue());
        }
        String[] words = entry.getValue().split(" ");
        return !entry.getKey().contains(":") && words.length == 2 && (words[0].equals("include") || words[0].equals("substack"))
                ? Optional.of(words[1]) : Optional.empty();
    }

    private static void put(Map<EvidenceKey, List<Object>> evidence, EvidenceKey key, ConfigSnapshot snapshot) {
        evidence.put(key, snapshot.facts());
    }
}
