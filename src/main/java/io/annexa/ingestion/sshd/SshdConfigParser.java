package io.annexa.ingestion.sshd;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenSSH server configuration the way sshd 9.x (servconf.c) does and reports the settings that take
 * effect: sshd keeps the first value it reads for most keywords, so a later duplicate is dead text an auditor
 * must not be shown as the setting.
 */
public final class SshdConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.SSHD_CONFIG;

    /** servconf.c SERVCONF_MAX_DEPTH; an include loop ends here too. */
    static final int MAX_INCLUDE_DEPTH = 16;
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** Far beyond any real sshd_config; keeps a file dropped by mistake (a disk image, a log) out of memory. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    /** Canonical spellings from sshd_config(5); servconf.c compares keywords case-insensitively. */
    private static final String KEYWORDS = """
            AcceptEnv AddressFamily AllowAgentForwarding AllowGroups AllowStreamLocalForwarding AllowTcpForwarding
            AllowUsers AuthenticationMethods AuthorizedKeysCommand AuthorizedKeysCommandUser AuthorizedKeysFile
            AuthorizedPrincipalsCommand AuthorizedPrincipalsCommandUser AuthorizedPrincipalsFile Banner
            CASignatureAlgorithms ChannelTimeout ChrootDirectory Ciphers ClientAliveCountMax ClientAliveInterval
            Compression DenyGroups DenyUsers DisableForwarding ExposeAuthInfo FingerprintHash ForceCommand
            GatewayPorts GSSAPIAuthentication GSSAPICleanupCredentials GSSAPIKexAlgorithms GSSAPIKeyExchange
            GSSAPIStoreCredentialsOnRekey GSSAPIStrictAcceptorCheck HostbasedAcceptedAlgorithms
            HostbasedAuthentication HostbasedUsesNameFromPacketOnly HostCertificate HostKey HostKeyAgent
            HostKeyAlgorithms IgnoreRhosts IgnoreUserKnownHosts Include IPQoS KbdInteractiveAuthentication
            KerberosAuthentication KerberosGetAFSToken KerberosOrLocalPasswd KerberosTicketCleanup KexAlgorithms
            ListenAddress LoginGraceTime LogLevel LogVerbose MACs Match MaxAuthTries MaxSessions MaxStartups
            ModuliFile PasswordAuthentication PermitEmptyPasswords PermitListen PermitOpen PermitRootLogin PermitTTY
            PermitTunnel PermitUserEnvironment PermitUserRC PerSourceMaxStartups PerSourceNetBlockSize
            PerSourcePenalties PerSourcePenaltyExemptList PidFile Port PrintLastLog PrintMotd
            PubkeyAcceptedAlgorithms PubkeyAuthOptions PubkeyAuthentication RekeyLimit RequiredRSASize RevokedKeys
            RDomain SecurityKeyProvider SetEnv StreamLocalBindMask StreamLocalBindUnlink StrictModes Subsystem
            SyslogFacility TCPKeepAlive TrustedUserCAKeys UnusedConnectionTimeout UseDNS UsePAM VersionAddendum
            X11DisplayOffset X11Forwarding X11UseLocalhost XAuthLocation""";

    /** Old names servconf.c still accepts; rules look for the current name only. */
    private static final Map<String, String> ALIASES = Map.of(
            "challengeresponseauthentication", "KbdInteractiveAuthentication",
            "skeyauthentication", "KbdInteractiveAuthentication",
            "pubkeyacceptedkeytypes", "PubkeyAcceptedAlgorithms",
            "hostbasedacceptedkeytypes", "HostbasedAcceptedAlgorithms",
            "dsaauthentication", "PubkeyAuthentication",
            "hostdsakey", "HostKey",
            "keepalive", "TCPKeepAlive");

    private static final Map<String, String> CANONICAL = new HashMap<>(ALIASES);

    static {
        for (String keyword : KEYWORDS.split("\\s+")) {
            CANONICAL.put(keyword.toLowerCase(Locale.ROOT), keyword);
        }
    }

    /**
     * Keywords sshd appends to on every line. Others keep their first line, including list-valued ones such as
     * SetEnv, PermitOpen, PermitListen and ChannelTimeout, whose later lines servconf.c discards.
     */
    private static final Set<String> ACCUMULATING = Set.of("AcceptEnv", "AllowGroups", "AllowUsers", "DenyGroups",
            "DenyUsers", "HostKey", "HostCertificate", "ListenAddress", "Port", "Include");

    /** Match criteria; Invalid-User (OpenSSH 9.9) takes no value, like All. */
    private static final Map<String, String> CRITERIA = Map.of("all", "All", "user", "User", "group", "Group",
            "host", "Host", "localaddress", "LocalAddress", "localport", "LocalPort", "rdomain", "RDomain",
            "address", "Address", "invalid-user", "Invalid-User");

    private static final String WHITESPACE = " \t\r\f";

    private final IncludeRoot includeRoot;

    /**
     * @param includeRoot directory standing for {@code /} when following {@code Include}; {@code null} to record
     *                    Include lines without reading anything (a remote host's file must not pull in ours)
     */
    public SshdConfigParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    public static SshdConfigParser withoutIncludes() {
        return new SshdConfigParser(null);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        ConfigFile configFile = new ConfigFile(asset, SOURCE, file.toString(), observed);
        Reading reading = new Reading(asset, observed);
        reading.read(file, "", 0);
        return new ConfigSnapshot(configFile, reading.entries, reading.unresolved);
    }

    /**
     * Reads the output of {@code sshd -T}: the configuration sshd actually runs with, every keyword once (list-valued
     * ones once per value), defaults, includes and the distribution's patches applied, keywords in lower case. Each
     * line is a global entry of {@code label}, so that the evidence says where it came from
     * ({@code PermitRootLogin no (sshd -T:15)}). Match blocks are not in it: {@code sshd -T} without {@code -C}
     * applies none.
     */
    public ConfigSnapshot parseEffective(Path output, String label, String asset, Instant observed)
            throws InvalidInputException, IOException {
        List<String> lines = lines(output);
        List<ConfigEntry> entries = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            List<String> words = words(lines.get(i), label, i + 1);
            // a keyword without value ("banner" on some builds) says nothing a rule could read
            if (words.size() < 2) {
                continue;
            }
            String key = CANONICAL.getOrDefault(words.get(0).toLowerCase(Locale.ROOT), words.get(0));
            if (ACCUMULATING.contains(key) || key.equals("Subsystem") || taken.add(key)) {
                entries.add(new ConfigEntry(asset, SOURCE, label, i + 1, key, String.join(" ", words.subList(1, words.size())),
                        "", observed));
            }
        }
        if (entries.isEmpty()) {
            throw new InvalidInputException(label, 0, "holds no setting: not the output of sshd -T");
        }
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, label, observed), entries);
    }

    /** One parse: the first-value-wins memory is shared by the main file and everything it includes. */
    private final class Reading {
        private final String asset;
        private final Instant observed;
        private final List<ConfigEntry> entries = new ArrayList<>();
        private final List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();
        private final Set<String> taken = new HashSet<>();

        Reading(String asset, Instant observed) {
            this.asset = asset;
            this.observed = observed;
        }

        /** {@code scope} is a local, so a Match block opened in an included file ends with that file. */
        void read(Path path, String scope, int depth) throws InvalidInputException, IOException {
            String file = path.toString();
            List<String> lines = lines(path);
            for (int i = 0; i < lines.size(); i++) {
                int line = i + 1;
                List<String> words = words(lines.get(i), file, line);
                if (words.isEmpty()) {
                    continue;
                }
                String written = words.get(0);
                String key = CANONICAL.getOrDefault(written.toLowerCase(Locale.ROOT), written);
                List<String> args = words.subList(1, words.size());
                if (key.equals("Match")) {
                    scope = matchScope(args, file, line);
                    continue;
                }
                if (args.stream().allMatch(String::isEmpty)) {
                    throw new InvalidInputException(file, line, "'" + key + "' has no value");
                }
                String value = String.join(" ", args);
                // Subsystems are kept per name: sshd ignores a second definition of the same subsystem only.
                String slot = scope + '\n' + key.toLowerCase(Locale.ROOT)
                        + (key.equals("Subsystem") ? '\n' + args.get(0) : "");
                if (ACCUMULATING.contains(key) || taken.add(slot)) {
                    entries.add(new ConfigEntry(asset, SOURCE, file, line, key, value, scope, observed));
                }
                if (key.equals("Include") && includeRoot == null) {
                    for (String pattern : args) {
                        unresolved.add(io.annexa.ingestion.Includes.notFollowed(asset, SOURCE, file, line, pattern, observed));
                    }
                } else if (key.equals("Include")) {
                    for (String pattern : args) {
                        for (Path included : expand(pattern, file, line)) {
                            if (depth + 1 > MAX_INCLUDE_DEPTH) {
                                throw new InvalidInputException(file, line, "Include nested more than "
                                        + MAX_INCLUDE_DEPTH + " levels deep (an include loop?): " + included);
                            }
                            read(included, scope, depth + 1);
                        }
                    }
                }
            }
        }
    }

    private static String matchScope(List<String> args, String file, int line) throws InvalidInputException {
        // servconf.c splits criteria like keywords, so "User=backup" is "User backup".
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            for (String part : arg.split("=", 2)) {
                if (!part.isEmpty()) {
                    words.add(part);
                }
            }
        }
        if (words.isEmpty()) {
            throw new InvalidInputException(file, line, "'Match' has no criteria");
        }
        List<String> scope = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String criterion = CRITERIA.get(words.get(i).toLowerCase(Locale.ROOT));
            if (criterion == null) {
                throw new InvalidInputException(file, line, "unknown Match criterion '" + words.get(i) + "'");
            }
            if (criterion.equals("All")) {
                if (words.size() > 1) {
                    throw new InvalidInputException(file, line, "'Match All' cannot be combined with other criteria");
                }
                return "";
            }
            scope.add(criterion);
            if (!criterion.equals("Invalid-User")) {
                if (++i == words.size()) {
                    throw new InvalidInputException(file, line, "Match criterion '" + criterion + "' has no value");
                }
                scope.add(words.get(i));
            }
        }
        return "Match " + String.join(" ", scope);
    }

    /** Decodes the file line by line so that a problem is reported on the line an editor shows it. */
    private static List<String> lines(Path path) throws InvalidInputException, IOException {
        String file = path.toString();
        if (Files.size(path) > MAX_FILE_BYTES) {
            throw new InvalidInputException(file, 0, "larger than " + MAX_FILE_BYTES + " bytes, not an sshd_config");
        }
        byte[] bytes = Files.readAllBytes(path);
        boolean bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
        List<String> lines = new ArrayList<>();
        for (int start = bom ? 3 : 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                if (bytes[end] == 0) {
                    throw new InvalidInputException(file, lines.size() + 1, "NUL byte: binary content, not text");
                }
                end++;
            }
            if (end - start > MAX_LINE_BYTES) {
                throw new InvalidInputException(file, lines.size() + 1, "line longer than " + MAX_LINE_BYTES + " bytes");
            }
            try {
                lines.add(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw new InvalidInputException(file, lines.size() + 1, "invalid UTF-8");
            }
            start = end + 1;
        }
        return lines;
    }

    /**
     * Keyword then arguments, as servconf.c splits them: the keyword ends at whitespace or one '=', arguments
     * follow argv_split (quotes group, backslash escapes a quote, a word starting with '#' ends the line).
     * Empty for blank and comment lines.
     */
    private static List<String> words(String text, String file, int line) throws InvalidInputException {
        int i = skip(text, 0);
        if (i == text.length() || text.charAt(i) == '#') {
            return List.of();
        }
        int start = i;
        while (i < text.length() && WHITESPACE.indexOf(text.charAt(i)) < 0 && text.charAt(i) != '=') {
            i++;
        }
        if (i == start) {
            throw new InvalidInputException(file, line, "'=' without a keyword before it");
        }
        List<String> words = new ArrayList<>();
        words.add(text.substring(start, i));
        i = skip(text, i);
        if (i < text.length() && text.charAt(i) == '=') {
            i = skip(text, i + 1);
        }
        while (i < text.length() && text.charAt(i) != '#') {
            StringBuilder word = new StringBuilder();
            char quote = 0;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                if (c == '\\' && (next == '"' || next == '\'' || next == '\\' || (quote == 0 && next == ' '))) {
                    word.append(next);
                    i++;
                } else if (quote == 0 && WHITESPACE.indexOf(c) >= 0) {
                    break;
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            }
            if (quote != 0) {
                throw new InvalidInputException(file, line, "unterminated " + (quote == '"' ? "double" : "single")
                        + " quote in '" + words.get(0) + "'");
            }
            words.add(word.toString());
            i = skip(text, i);
        }
        return words;
    }

    private static int skip(String text, int i) {
        while (i < text.length() && WHITESPACE.indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    /**
     * The existing files an Include argument names, in lexical order like glob(3). Relative paths are relative to
     * /etc/ssh as in sshd; everything lives under the include root. A name that matches nothing is skipped, as
     * sshd does. A directory the pattern matches ({@code Include /etc/ssh/*}) is skipped too: sshd opens it, reads
     * no line from it and goes on.
     */
    private List<Path> expand(String pattern, String file, int line) throws InvalidInputException, IOException {
        List<Path> found = includeRoot.glob(pattern.startsWith("/") ? pattern : "/etc/ssh/" + pattern, file, line);
        return found.stream().filter(path -> !Files.isDirectory(path)).toList();
    }
}
