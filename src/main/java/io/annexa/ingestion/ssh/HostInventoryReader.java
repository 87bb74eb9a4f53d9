package io.annexa.ingestion.ssh;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.RuleParameter;
import io.annexa.ingestion.ssh.HostInventory.Agent;
import io.annexa.ingestion.ssh.HostInventory.Auth;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.Jump;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import io.annexa.ingestion.ssh.HostInventory.Secret;
import io.annexa.ingestion.ssh.HostInventory.SecretEnv;
import io.annexa.ingestion.ssh.HostInventory.SecretFile;
import io.annexa.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads {@code config/hosts.yml}. Every problem is collected with its place ({@code config/hosts.yml:12:7: hosts[2].port:
 * ...}) before the file is refused as a whole, so a wrong edit never half-applies.
 * <pre>
 * defaults:                       # optional; every host
 *   user: annexa
 *   known_hosts: ssh/known_hosts  # relative paths are relative to the folder of hosts.yml
 * groups:
 *   linux:                        # a group gives defaults to its hosts
 *     auth: { key: ssh/id_ed25519, passphrase: "${env:ANNEXA_SSH_PASSPHRASE}" }
 *     collectors: [files, sshd-T, auditctl-l]
 *     period: 1h
 * hosts:
 *   - name: web-01                # the asset
 *     address: 10.0.0.11          # default: the name
 *     group: linux
 *     jump: { address: bastion.example.org }
 * </pre>
 * A host's own fields win over its group's, which win over {@code defaults}. Secrets are never written in the file: a
 * passphrase comes from {@code passphrase_file} or {@code passphrase: ${env:NAME}}, and anything that looks like an
 * inline secret is refused.
 */
public final class HostInventoryReader {

    /** An inventory of ten thousand hosts is a few hundred kilobytes. */
    static final long MAX_BYTES = 4L * 1024 * 1024;
    static final int MAX_HOSTS = 20_000;
    static final Duration MIN_PERIOD = Duration.ofMinutes(1);
    static final Duration DEFAULT_PERIOD = Duration.ofHours(1);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final Set<Collector> DEFAULT_COLLECTORS = EnumSet.of(Collector.FILES, Collector.SSHD_T);
    static final int DEFAULT_PORT = 22;

    private static final Set<String> TOP = Set.of("defaults", "groups", "hosts");
    private static final Set<String> SETTINGS = Set.of("port", "user", "auth", "known_hosts", "jump", "collectors", "period",
            "timeout", "expected_interval");
    private static final Set<String> HOST = union(SETTINGS, Set.of("name", "address", "group"));
    private static final Set<String> AUTH = Set.of("key", "passphrase", "passphrase_file", "agent");
    private static final Set<String> JUMP = Set.of("address", "port", "user");
    /** Keys people write when they mean to put a secret here: refused with the way to do it instead. */
    private static final Set<String> SECRET_KEYS = Set.of("password", "private_key", "key_data", "secret", "token");
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]{0,127})}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9_.:%-]{1,253}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    /** The inventory cannot be used; every problem found is listed, each {@code file:line:column: field: message}. */
    public static final class InventoryException extends Exception {
        private final List<String> problems;

        InventoryException(List<String> problems) {
            super("the host inventory is not valid:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private record Problem(int line, int column, String field, String message) {
    }

    private final Path file;
    private final String display;
    private final List<Problem> problems = new ArrayList<>();

    private HostInventoryReader(Path file, String display) {
        this.file = file;
        this.display = display;
    }

    /**
     * @param display how every problem names the file ({@code config/hosts.yml})
     * @return the inventory; an absent or empty file is an empty inventory
     */
    public static HostInventory read(Path file, String display) throws InventoryException {
        return new HostInventoryReader(file, display).read();
    }

    private HostInventory read() throws InventoryException {
        if (!Files.exists(file)) {
            return HostInventory.empty();
        }
        Node root = null;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                problem(null, "(file)", "is " + size + " bytes, more than the " + MAX_BYTES + " bytes allowed");
            } else {
                root = YamlFile.read(file, display, (int) MAX_BYTES).orElse(null);
            }
        } catch (IOException e) {
            problem(null, "(file)", "cannot be read: " + e.getMessage());
        } catch (YamlFile.YamlException e) {
            problems.add(new Problem(e.line(), e.column(), "(file)", e.getMessage()));
        }
        List<Host> hosts = new ArrayList<>();
        if (root != null && !isNull(root)) {
            if (root instanceof MappingNode top) {
                Map<String, NodeTuple> fields = fields(top, "", TOP);
                Settings defaults = settings(value(fields, "defaults"), "defaults");
                Map<String, Settings> groups = groups(value(fields, "groups"));
                hosts = hosts(value(fields, "hosts"), defaults, groups);
            } else {
                problem(root, "(file)", "must be a mapping with defaults, groups and hosts");
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems.stream()
                    .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                    .map(p -> display + ":" + p.line() + ":" + p.column() + ": " + p.field() + ": " + p.message())
                    .toList());
        }
        return new HostInventory(hosts);
    }

    /**
     * The fields a host may take from its group or the defaults, each null when not given (or given wrong: then
     * {@code given} still names it, so that its absence is not reported besides its problem).
     */
    private record Settings(Integer port, String user, Auth auth, Path knownHosts, Jump jump, Set<Collector> collectors,
                            Duration period, Duration timeout, Duration expectedInterval, Set<String> given) {
        static final Settings NONE = new Settings(null, null, null, null, null, null, null, null, null, Set.of());

        /** This one's fields, the other's where this one has none. */
        Settings over(Settings other) {
            return new Settings(port != null ? port : other.port, user != null ? user : other.user,
                    auth != null ? auth : other.auth, knownHosts != null ? knownHosts : other.knownHosts,
                    jump != null ? jump : other.jump, collectors != null ? collectors : other.collectors,
                    period != null ? period : other.period, timeout != null ? timeout : other.timeout,
                    expectedInterval != null ? expectedInterval : other.expectedInterval, union(given, other.given));
        }
    }

    private Map<String, Settings> groups(Node node) {
        Map<String, Settings> groups = new HashMap<>();
        if (node == null) {
            return groups;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, "groups", "must be a mapping of group names to their settings");
            return groups;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String name = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (name == null || !NAME.matcher(name).matches()) {
                problem(tuple.getKeyNode(), "groups", "a group name is letters, digits, '.', '-' and '_' (at most 64)");
                continue;
            }
            if (groups.containsKey(name)) {
                problem(tuple.getKeyNode(), "groups." + name, "is given twice; keep one");
                continue;
            }
            groups.put(name, settings(tuple.getValueNode(), "groups." + name));
        }
        return groups;
    }

    private Settings settings(Node node, String path) {
        if (node == null || isNull(node)) {
            return Settings.NONE;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, path, "must be a mapping of host settings");
            return Settings.NONE;
        }
        return settings(fields(mapping, path, SETTINGS), path);
    }

    private Settings settings(Map<String, NodeTuple> fields, String path) {
        Node port = value(fields, "port");
        Node user = value(fields, "user");
        Node knownHosts = value(fields, "known_hosts");
        return new Settings(port == null ? null : port(port, at(path, "port")),
                user == null ? null : user(user, at(path, "user")),
                auth(value(fields, "auth"), at(path, "auth")),
                knownHosts == null ? null : path(knownHosts, at(path, "known_hosts")),
                jump(value(fields, "jump"), at(path, "jump")),
                collectors(value(fields, "collectors"), at(path, "collectors")),
                duration(value(fields, "period"), at(path, "period"), MIN_PERIOD),
                duration(value(fields, "timeout"), at(path, "timeout"), Duration.ofSeconds(1)),
                duration(value(fields, "expected_interval"), at(path, "expected_interval"), MIN_PERIOD),
                Set.copyOf(fields.keySet()));
    }

    private List<Host> hosts(Node node, Settings defaults, Map<String, Settings> groups) {
        List<Host> hosts = new ArrayList<>();
        if (node == null) {
            return hosts;
        }
        if (!(node instanceof SequenceNode sequence)) {
            problem(node, "hosts", "must be a list of hosts, each with at least a name");
            return hosts;
        }
        if (sequence.getValue().size() > MAX_HOSTS) {
            problem(node, "hosts", "lists " + sequence.getValue().size() + " hosts, more than the " + MAX_HOSTS + " allowed");
            return hosts;
        }
        Map<String, Node> seen = new HashMap<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            String path = "hosts[" + i + "]";
            Node item = sequence.getValue().get(i);
            if (!(item instanceof MappingNode mapping)) {
                problem(item, path, "must be a mapping with at least a name");
                continue;
            }
            int before = problems.size();
            Map<String, NodeTuple> fields = fields(mapping, path, HOST);
            String asset = asset(value(fields, "name"), item, at(path, "name"));
            Node addressNode = value(fields, "address");
            String address = addressNode == null ? asset : address(addressNode, at(path, "address"));
            Settings group = Settings.NONE;
            Node groupNode = value(fields, "group");
            if (groupNode != null) {
                String name = text(groupNode, at(path, "group"));
                if (name != null && !groups.containsKey(name)) {
                    problem(groupNode, at(path, "group"), "names no group under groups: '" + shown(name) + "'");
                } else if (name != null) {
                    group = groups.get(name);
                }
            }
            Settings own = settings(fields, path);
            Settings merged = own.over(group).over(defaults);
            if (asset != null && seen.containsKey(asset)) {
                problem(value(fields, "name"), at(path, "name"), "'" + asset + "' is listed twice (first on line "
                        + YamlFile.line(seen.get(asset)) + "); one asset has one collection");
                continue;
            }
            if (asset != null) {
                seen.put(asset, value(fields, "name"));
            }
            // a field given but wrong has been reported where it is written
            if (merged.user() == null && !merged.given().contains("user")) {
                problem(item, path, "has no user (give user: on the host, its group or defaults)");
            }
            if (merged.auth() == null && !merged.given().contains("auth")) {
                problem(item, path, "has no auth (a key file or agent: true, on the host, its group or defaults)");
            }
            if (merged.knownHosts() == null && !merged.given().contains("known_hosts")) {
                problem(item, path, "has no known_hosts: the host key must be pinned, Annexa never accepts an unknown key");
            }
            if (problems.size() > before || asset == null || address == null) {
                continue;
            }
            Duration period = merged.period() != null ? merged.period() : DEFAULT_PERIOD;
            hosts.add(new Host(asset, address, merged.port() != null ? merged.port() : DEFAULT_PORT, merged.user(), merged.auth(),
                    merged.knownHosts(), Optional.ofNullable(merged.jump()),
                    merged.collectors() != null ? merged.collectors() : DEFAULT_COLLECTORS, period,
                    merged.timeout() != null ? merged.timeout() : DEFAULT_TIMEOUT,
                    // one missed collection is a hiccup; two are a gap
                    merged.expectedInterval() != null ? merged.expectedInterval() : period.multipliedBy(2)));
        }
        return hosts;
    }

    private String asset(Node node, Node host, String field) {
        if (node == null) {
            problem(host, field.substring(0, field.lastIndexOf('.')), "has no name (the asset its evidence is filed under)");
            return null;
        }
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return AssetNames.validate("host name", text);
        } catch (IllegalArgumentException e) {
            problem(node, field, e.getMessage());
            return null;
        }
    }

    private String address(Node node, String field) {
        String text = text(node, field);
        if (text != null && !ADDRESS.matcher(text).matches()) {
            problem(node, field, "'" + shown(text) + "' is not a host name or IP address");
            return null;
        }
        return text;
    }

    private Integer port(Node node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(node, field, "'" + shown(text) + "' is not a port from 1 to 65535");
        return null;
    }

    private String user(Node node, String field) {
        String text = text(node, field);
        if (text != null && !USER.matcher(text).matches()) {
            problem(node, field, "'" + shown(text) + "' is not a user name");
            return null;
        }
        return text;
    }

    private Path path(Node node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        if (text.startsWith("-----BEGIN") || text.contains("\n")) {
            problem(node, field, "holds the content of a key, not the path of its file; keep keys out of hosts.yml");
            return null;
        }
        Path path = Path.of(text);
        return path.isAbsolute() ? path : file.toAbsolutePath().getParent().resolve(path).normalize();
    }

    private Auth auth(Node node, String field) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, field, "must be a mapping: {key: <file>} or {agent: true}");
            return null;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && SECRET_KEYS.contains(key.getValue())) {
                problem(tuple.getKeyNode(), at(field, key.getValue()), "secrets are never written in hosts.yml: give a key file"
                        + " (key:) with passphrase_file: or passphrase: ${env:NAME}, or agent: true");
            }
        }
        Map<String, NodeTuple> fields = fields(mapping, field, union(AUTH, SECRET_KEYS));
        boolean secretGiven = fields.keySet().removeAll(SECRET_KEYS);
        Node key = value(fields, "key");
        Node agent = value(fields, "agent");
        Node passphrase = value(fields, "passphrase");
        Node passphraseFile = value(fields, "passphrase_file");
        if (key != null && agent != null) {
            problem(node, field, "give either key: or agent:, not both");
            return null;
        }
        if (agent != null) {
            if (passphrase != null || passphraseFile != null) {
                problem(node, field, "a passphrase belongs to a key file, not to the agent");
            }
            return agent(agent, at(field, "agent"));
        }
        if (key == null) {
            if (!secretGiven) {
                problem(node, field, "names no key file (key:) and no agent (agent: true)");
            }
            return null;
        }
        Path keyFile = path(key, at(field, "key"));
        if (passphrase != null && passphraseFile != null) {
            problem(node, field, "give either passphrase: or passphrase_file:, not both");
            return null;
        }
        Secret secret = null;
        if (passphraseFile != null) {
            Path secretFile = path(passphraseFile, at(field, "passphrase_file"));
            secret = secretFile == null ? null : new SecretFile(secretFile);
        } else if (passphrase != null) {
            String text = text(passphrase, at(field, "passphrase"));
            Matcher env = text == null ? null : ENV.matcher(text);
            if (env != null && env.matches()) {
                secret = new SecretEnv(env.group(1));
            } else if (text != null) {
                problem(passphrase, at(field, "passphrase"), "an inline passphrase is refused: secrets are never written in"
                        + " hosts.yml; write passphrase: ${env:NAME} or passphrase_file: <file>");
            }
        }
        return keyFile == null ? null : new KeyFile(keyFile, secret);
    }

    private Auth agent(Node node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        if (text.equals("true")) {
            return new Agent(null);
        }
        if (text.startsWith("/")) {
            return new Agent(Path.of(text));
        }
        problem(node, field, "must be true (the agent SSH_AUTH_SOCK names) or the absolute path of the agent's socket");
        return null;
    }

    private Jump jump(Node node, String field) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, field, "must be a mapping with address, and optionally port and user");
            return null;
        }
        Map<String, NodeTuple> fields = fields(mapping, field, JUMP);
        Node address = value(fields, "address");
        if (address == null) {
            problem(node, field, "has no address");
            return null;
        }
        Node port = value(fields, "port");
        Node user = value(fields, "user");
        String addressText = address(address, at(field, "address"));
        Integer portNumber = port == null ? Integer.valueOf(DEFAULT_PORT) : port(port, at(field, "port"));
        String userName = user == null ? null : user(user, at(field, "user"));
        return addressText == null || portNumber == null ? null : new Jump(addressText, portNumber, userName);
    }

    private Set<Collector> collectors(Node node, String field) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            problem(node, field, "must be a list of collectors: " + collectorNames());
            return null;
        }
        Set<Collector> collectors = EnumSet.noneOf(Collector.class);
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String text = text(item, field + "[" + i + "]");
            if (text == null) {
                continue;
            }
            Optional<Collector> collector = Collector.byId(text);
            if (collector.isEmpty()) {
                problem(item, field + "[" + i + "]", "unknown collector '" + shown(text) + "'; allowed: " + collectorNames()
                        + " (commands are a fixed list: no other can be configured)");
            } else {
                collectors.add(collector.get());
            }
        }
        if (collectors.isEmpty() && !sequence.getValue().isEmpty()) {
            return null;
        }
        if (collectors.isEmpty()) {
            problem(node, field, "is empty: a host with nothing to collect is not monitored; remove the host instead");
            return null;
        }
        return collectors;
    }

    private Duration duration(Node node, String field, Duration minimum) {
        if (node == null) {
            return null;
        }
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        Duration duration;
        try {
            duration = RuleParameter.parseDuration(text);
        } catch (RuntimeException e) {
            problem(node, field, "'" + shown(text) + "' is not a duration like 30s, 10m, 1h, 1d or PT1H");
            return null;
        }
        if (duration.compareTo(minimum) < 0) {
            problem(node, field, "is " + text + ", less than the " + minimum.toString().substring(2).toLowerCase() + " allowed");
            return null;
        }
        return duration;
    }

    // ---- node helpers

    private Map<String, NodeTuple> fields(MappingNode mapping, String path, Set<String> allowed) {
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            String at = key == null || !NAME.matcher(key).matches() ? (path.isEmpty() ? "(file)" : path) : at(path, key);
            if (key == null || !allowed.contains(key)) {
                problem(tuple.getKeyNode(), at, (key == null ? "a key must be a single value" : "unknown key '" + shown(key) + "'")
                        + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            } else if (fields.containsKey(key)) {
                problem(tuple.getKeyNode(), at, "is given twice (first on line " + YamlFile.line(fields.get(key).getKeyNode())
                        + "); keep one");
            } else {
                fields.put(key, tuple);
            }
        }
        return fields;
    }

    private String text(Node node, String field) {
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, field, "must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"));
            return null;
        }
        if (isNull(node) || scalar.getValue().isBlank()) {
            problem(node, field, "has no value");
            return null;
        }
        String text = scalar.getValue().strip();
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            problem(node, field, "contains a control character");
            return null;
        }
        return text;
    }

    private static Node value(Map<String, NodeTuple> fields, String key) {
        NodeTuple tuple = fields.get(key);
        return tuple == null || isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private void problem(Node node, String field, String message) {
        problems.add(new Problem(YamlFile.line(node), YamlFile.column(node), field, message));
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String shown(String value) {
        return AssetNames.shown(value);
    }

    private static String collectorNames() {
        return String.join(", ", java.util.Arrays.stream(Collector.values()).map(Collector::id).toList());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
