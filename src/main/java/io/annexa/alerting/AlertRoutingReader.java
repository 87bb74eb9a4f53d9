package io.annexa.alerting;

import io.annexa.register.policy.ConfigYaml;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** One reading of {@code config/alerts.yml}: every problem is collected with its place before anything is refused. */
final class AlertRoutingReader {

    /** A routing file is a page or two; anything far larger is a mistake (or a YAML bomb). */
    static final long MAX_BYTES = 256 * 1024;
    /** Past a year a timing is a typo (the Prometheus format has a 'y' unit, so 100y is easy to write). */
    static final Duration MAX_DURATION = Duration.ofDays(366);
    static final int MAX_RECEIVERS = 200;
    static final int MAX_ROUTE_DEPTH = 16;
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_ADDRESSES = 100;

    // defaults of Alertmanager
    static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

    private static final Set<String> TOP = Set.of("receivers", "route", "allow_private_targets");
    private static final Set<String> RECEIVER = Set.of("name", "webhook", "email");
    private static final Set<String> WEBHOOK = Set.of("url", "secret", "format");
    private static final Set<String> EMAIL = Set.of("to");
    private static final Set<String> ROUTE = Set.of("receiver", "group_by", "group_wait", "group_interval", "repeat_interval",
            "matchers", "continue", "routes");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern SECRET = Pattern.compile("whsec_([A-Za-z0-9+/]+={0,2})");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>,;:\"()\\[\\]\\\\]{1,64}@[A-Za-z0-9.-]{1,253}");

    private final Path file;
    private final String display;
    private final Function<String, String> environment;
    private ConfigYaml yaml;
    /** Every receiver name given, valid receiver or not: a route naming a broken receiver is not a second problem. */
    private final Set<String> named = new java.util.LinkedHashSet<>();
    /** The receivers could not be told apart (not a list, an entry not a mapping): unknown names are not reported. */
    private boolean namesUnknown;

    AlertRoutingReader(Path file, String display, Function<String, String> environment) {
        this.file = file;
        this.display = display;
        this.environment = environment;
    }

    AlertRouting read() throws AlertConfigException {
        yaml = ConfigYaml.read(file, display, MAX_BYTES);
        Map<String, ReceiverConfig> receivers = new LinkedHashMap<>();
        Route root = null;
        TargetPolicy policy = TargetPolicy.strict();
        Node document = yaml.root().orElse(null);
        if (document != null && !ConfigYaml.isNull(document)) {
            if (document instanceof MappingNode top) {
                Map<String, NodeTuple> fields = yaml.fields(top, "", TOP);
                policy = targetPolicy(value(fields, "allow_private_targets"));
                receivers = receivers(value(fields, "receivers"), policy);
                root = rootRoute(fields);
            } else {
                yaml.problem(document, ConfigYaml.WHOLE_FILE, "must be a mapping with receivers, route and allow_private_targets");
            }
        }
        List<ConfigYaml.Problem> problems = yaml.problems();
        if (!problems.isEmpty()) {
            throw new AlertConfigException(problems.stream()
                    .sorted(Comparator.comparingInt(ConfigYaml.Problem::line).thenComparingInt(ConfigYaml.Problem::column))
                    .map(p -> new ConfigProblem(yaml.name(), p.line(), p.column(), p.field() + ": " + p.message())).toList());
        }
        return new AlertRouting(receivers, root, policy);
    }

    private static Node value(Map<String, NodeTuple> fields, String key) {
        NodeTuple tuple = fields.get(key);
        return tuple == null || ConfigYaml.isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    private Optional<List<Node>> list(Node node, String field, String what) {
        if (node == null) {
            return Optional.of(List.of());
        }
        if (!(node instanceof SequenceNode sequence)) {
            yaml.problem(node, field, "must be a list of " + what);
            return Optional.empty();
        }
        return Optional.of(sequence.getValue());
    }

    private TargetPolicy targetPolicy(Node node) {
        List<String> cidrs = new ArrayList<>();
        List<Node> items = list(node, "allow_private_targets", "CIDRs, like [\"127.0.0.1/32\"]").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String field = "allow_private_targets[" + i + "]";
            String text = yaml.text(items.get(i), field);
            if (text == null) {
                continue;
            }
            try {
                TargetPolicy.Cidr.parse(text);
                cidrs.add(text);
            } catch (IllegalArgumentException e) {
                yaml.problem(items.get(i), field, e.getMessage());
            }
        }
        return new TargetPolicy(cidrs);
    }

    private Map<String, ReceiverConfig> receivers(Node node, TargetPolicy policy) {
        Map<String, ReceiverConfig> receivers = new LinkedHashMap<>();
        Map<String, Node> defined = new LinkedHashMap<>();
        Optional<List<Node>> given = list(node, "receivers", "receivers, each with a name and a webhook or an email");
        namesUnknown = given.isEmpty();
        List<Node> items = given.orElse(List.of());
        if (items.size() > MAX_RECEIVERS) {
            yaml.problem(node, "receivers", "lists " + items.size() + " receivers, more than the " + MAX_RECEIVERS + " allowed");
            return receivers;
        }
        for (int i = 0; i < items.size(); i++) {
            String field = "receivers[" + i + "]";
            Node item = items.get(i);
            if (!(item instanceof MappingNode mapping)) {
                yaml.problem(item, field, "must be a mapping with name and webhook or email");
                namesUnknown = true;
                continue;
            }
            int before = yaml.problemCount();
            Map<String, NodeTuple> keys = yaml.fields(mapping, field, RECEIVER);
            String name = null;
            if (!keys.containsKey("name")) {
                yaml.problem(item, field, "has no name");
                namesUnknown = true;
            } else {
                Node nameNode = keys.get("name").getValueNode();
                name = yaml.text(nameNode, field + ".name");
                if (name != null) {
                    named.add(name);
                } else {
                    namesUnknown = true;
                }
                if (name != null && !NAME.matcher(name).matches()) {
                    yaml.problem(nameNode, field + ".name", "'" + ConfigYaml.shown(name)
                            + "' is not a receiver name: letters, digits, '_', '.', '-', at most 64");
                    name = null;
                } else if (name != null && defined.containsKey(name)) {
                    yaml.problem(nameNode, field + ".name", "receiver '" + name + "' is defined twice (first on line "
                            + io.annexa.yaml.YamlFile.line(defined.get(name)) + ")");
                    name = null;
                } else if (name != null) {
                    defined.put(name, nameNode);
                }
            }
            Node webhookNode = value(keys, "webhook");
            Node emailNode = value(keys, "email");
            if ((webhookNode == null) == (emailNode == null)) {
                yaml.problem(item, field, webhookNode == null ? "needs a webhook or an email" : "has both webhook and email; use two receivers");
            }
            WebhookConfig webhook = webhookNode == null ? null : webhook(webhookNode, field + ".webhook", policy);
            EmailConfig email = emailNode == null ? null : email(emailNode, field + ".email");
            if (yaml.problemCount() == before && name != null) {
                receivers.put(name, new ReceiverConfig(name, webhook, email));
            }
        }
        return receivers;
    }

    private WebhookConfig webhook(Node node, String field, TargetPolicy policy) {
        if (!(node instanceof MappingNode mapping)) {
            yaml.problem(node, field, "must be a mapping with url, secret and format");
            return null;
        }
        Map<String, NodeTuple> keys = yaml.fields(mapping, field, WEBHOOK);
        String format = "standard";
        Node formatNode = value(keys, "format");
        if (formatNode != null) {
            format = yaml.text(formatNode, field + ".format");
            if (format != null && !WebhookConfig.FORMATS.contains(format)) {
                yaml.problem(formatNode, field + ".format", "'" + ConfigYaml.shown(format) + "' is not one of standard, slack, teams");
                format = null;
            }
        }
        URI url = null;
        Node urlNode = value(keys, "url");
        if (urlNode == null) {
            yaml.problem(node, field, "has no url");
        } else {
            url = url(urlNode, field + ".url", policy);
        }
        String secret = null;
        Node secretNode = value(keys, "secret");
        if (secretNode != null) {
            secret = secret(secretNode, field + ".secret");
        } else if ("standard".equals(format)) {
            yaml.problem(node, field, "has no secret: the standard format is signed (Standard Webhooks), give"
                    + " secret: whsec_<base64> or secret: ${env:VAR}");
        }
        return url == null || format == null ? null : new WebhookConfig(url, secret, format);
    }

    private URI url(Node node, String field, TargetPolicy policy) {
        String text = resolved(node, field);
        if (text == null) {
            return null;
        }
        if (text.length() > MAX_URL_LENGTH) {
            yaml.problem(node, field, "is " + text.length() + " characters long, more than " + MAX_URL_LENGTH);
            return null;
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            yaml.problem(node, field, "is not a URL: " + e.getReason() + " at index " + e.getIndex());
            return null;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            yaml.problem(node, field, "must be an http or https URL, like https://hooks.example.org/annexa");
            return null;
        }
        if (url.getHost() == null) {
            yaml.problem(node, field, "has no host name (or one the URL syntax does not allow)");
            return null;
        }
        if (url.getRawUserInfo() != null) {
            yaml.problem(node, field, "carries a user name or password; such URLs end up in logs, use the webhook secret instead");
            return null;
        }
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        Optional<byte[]> literal = TargetPolicy.Cidr.literal(host);
        if (literal.isPresent()) {
            try {
                Optional<String> refusal = policy.refusal(java.net.InetAddress.getByAddress(literal.get()));
                if (refusal.isPresent()) {
                    yaml.problem(node, field, refusal.get());
                    return null;
                }
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return url;
    }

    private String secret(Node node, String field) {
        String text = resolved(node, field);
        if (text == null) {
            return null;
        }
        // the value is never echoed: it is the key that signs every webhook
        Matcher m = SECRET.matcher(text);
        if (!m.matches()) {
            yaml.problem(node, field, "is not a Standard Webhooks secret: whsec_ followed by base64");
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            yaml.problem(node, field, "is not a Standard Webhooks secret: the part after whsec_ is not valid base64");
            return null;
        }
        if (key.length < 24 || key.length > 64) {
            yaml.problem(node, field, "decodes to " + key.length + " bytes; Standard Webhooks secrets are 24 to 64 bytes"
                    + " (e.g. whsec_ + base64 of 32 random bytes)");
            return null;
        }
        return text;
    }

    /** The text with each {@code ${env:VAR}} replaced by the variable's value; null after a problem. */
    private String resolved(Node node, String field) {
        String text = yaml.text(node, field);
        if (text == null) {
            return null;
        }
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String name = m.group(1);
            String value = ENV_NAME.matcher(name).matches() ? environment.apply(name) : null;
            if (!ENV_NAME.matcher(name).matches()) {
                yaml.problem(node, field, "'" + ConfigYaml.shown(name) + "' is not an environment variable name");
                ok = false;
            } else if (value == null || value.isBlank()) {
                yaml.problem(node, field, "the environment variable " + name + " is not set");
                ok = false;
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(value.strip()));
            }
        }
        m.appendTail(out);
        return ok ? out.toString() : null;
    }

    private EmailConfig email(Node node, String field) {
        if (!(node instanceof MappingNode mapping)) {
            yaml.problem(node, field, "must be a mapping with to: [addresses]");
            return null;
        }
        Map<String, NodeTuple> keys = yaml.fields(mapping, field, EMAIL);
        Node toNode = value(keys, "to");
        if (toNode == null) {
            yaml.problem(node, field, "has no 'to' addresses");
            return null;
        }
        List<Node> items = list(toNode, field + ".to", "mail addresses, like [isms@example.org]").orElse(null);
        if (items == null) {
            return null;
        }
        if (items.isEmpty() || items.size() > MAX_ADDRESSES) {
            yaml.problem(toNode, field + ".to", "must list 1 to " + MAX_ADDRESSES + " addresses");
            return null;
        }
        List<String> to = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String address = yaml.text(items.get(i), field + ".to[" + i + "]");
            if (address != null && !ADDRESS.matcher(address).matches()) {
                yaml.problem(items.get(i), field + ".to[" + i + "]", "'" + ConfigYaml.shown(address)
                        + "' is not a plain mail address like isms@example.org");
            } else if (address != null) {
                to.add(address);
            }
        }
        return to.size() == items.size() ? new EmailConfig(to) : null;
    }

    private Route rootRoute(Map<String, NodeTuple> fields) {
        Node node = value(fields, "route");
        if (node == null) {
            NodeTuple given = fields.get("receivers");
            if (given != null && given.getValueNode() instanceof SequenceNode list && !list.getValue().isEmpty()) {
                yaml.problem(given.getKeyNode(), "route", "receivers are defined but there is no route to send alerts to them;"
                        + " add route: with at least a receiver");
            }
            return null;
        }
        RouteTarget defaults = new RouteTarget("", List.of(), DEFAULT_GROUP_WAIT, DEFAULT_GROUP_INTERVAL, DEFAULT_REPEAT_INTERVAL, "0");
        return route(node, "route", defaults, "0", 0);
    }

    private Route route(Node node, String field, RouteTarget parent, String id, int depth) {
        boolean root = depth == 0;
        if (!(node instanceof MappingNode mapping)) {
            yaml.problem(node, field, "must be a mapping with receiver, matchers, group_by, timings or routes");
            return null;
        }
        if (depth > MAX_ROUTE_DEPTH) {
            yaml.problem(node, field, "routes are nested more than " + MAX_ROUTE_DEPTH + " deep");
            return null;
        }
        Map<String, NodeTuple> keys = yaml.fields(mapping, field, ROUTE);
        String receiver = parent.receiver();
        Node receiverNode = value(keys, "receiver");
        if (receiverNode != null) {
            String name = yaml.text(receiverNode, field + ".receiver");
            if (name != null && !named.contains(name) && !namesUnknown) {
                yaml.problem(receiverNode, field + ".receiver", "no receiver named '" + ConfigYaml.shown(name) + "'"
                        + (named.isEmpty() ? " (no receivers are defined)" : "; receivers: " + String.join(", ", named)));
            }
            receiver = name == null ? receiver : name;
        } else if (root) {
            yaml.problem(node, field, "has no receiver: the root route needs one, it takes every alert no other route takes");
        }
        List<String> groupBy = groupBy(value(keys, "group_by"), field + ".group_by").orElse(parent.groupBy());
        Duration groupWait = duration(value(keys, "group_wait"), field + ".group_wait", true).orElse(parent.groupWait());
        Duration groupInterval = duration(value(keys, "group_interval"), field + ".group_interval", false).orElse(parent.groupInterval());
        Duration repeatInterval = duration(value(keys, "repeat_interval"), field + ".repeat_interval", false).orElse(parent.repeatInterval());
        List<LabelMatcher> matchers = List.of();
        boolean continues = false;
        if (root) {
            for (String key : List.of("matchers", "continue")) {
                if (keys.containsKey(key)) {
                    yaml.problem(keys.get(key).getKeyNode(), field + "." + key, "the root route takes every alert; put "
                            + key + " on a route under routes:");
                }
            }
        } else {
            matchers = matchers(value(keys, "matchers"), field + ".matchers");
            Node continueNode = value(keys, "continue");
            if (continueNode != null) {
                String flag = yaml.text(continueNode, field + ".continue");
                if (flag != null && !flag.equals("true") && !flag.equals("false")) {
                    yaml.problem(continueNode, field + ".continue", "must be true or false");
                }
                continues = "true".equals(flag);
            }
        }
        RouteTarget target = new RouteTarget(receiver, groupBy, groupWait, groupInterval, repeatInterval, id);
        List<Route> children = new ArrayList<>();
        List<Node> items = list(value(keys, "routes"), field + ".routes", "routes").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            Route child = route(items.get(i), field + ".routes[" + i + "]", target, id + "." + i, depth + 1);
            if (child != null) {
                children.add(child);
            }
        }
        return new Route(target, matchers, continues, children);
    }

    private Optional<List<String>> groupBy(Node node, String field) {
        if (node == null) {
            return Optional.empty();
        }
        List<Node> items = list(node, field, "label names, like [asset], or ['...'] for all labels").orElse(null);
        if (items == null) {
            return Optional.empty();
        }
        int before = yaml.problemCount();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String name = yaml.text(items.get(i), field + "[" + i + "]");
            if (name == null) {
                continue;
            }
            if (RouteTarget.ALL_LABELS.equals(name) && items.size() > 1) {
                yaml.problem(items.get(i), field + "[" + i + "]", "'...' means all labels: it must be the only entry");
            } else if (!RouteTarget.ALL_LABELS.equals(name) && !AlertEvent.LABELS.contains(name)) {
                yaml.problem(items.get(i), field + "[" + i + "]", "unknown label '" + ConfigYaml.shown(name) + "'; labels: "
                        + String.join(", ", AlertEvent.LABELS) + ", or '...' for all");
            } else if (names.contains(name)) {
                yaml.problem(items.get(i), field + "[" + i + "]", "label " + name + " is listed twice");
            } else {
                names.add(name);
            }
        }
        return yaml.problemCount() == before ? Optional.of(names) : Optional.empty();
    }

    private Optional<Duration> duration(Node node, String field, boolean zeroAllowed) {
        if (node == null) {
            return Optional.empty();
        }
        String text = yaml.text(node, field);
        if (text == null) {
            return Optional.empty();
        }
        Duration duration;
        try {
            duration = AlertDuration.parse(text);
        } catch (IllegalArgumentException e) {
            yaml.problem(node, field, "'" + ConfigYaml.shown(text) + "' is " + e.getMessage() + " (" + AlertDuration.FORMS + ")");
            return Optional.empty();
        }
        if (duration.isZero() && !zeroAllowed) {
            yaml.problem(node, field, "must be longer than zero");
            return Optional.empty();
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            yaml.problem(node, field, "'" + text + "' is longer than the " + MAX_DURATION.toDays() + " days allowed");
            return Optional.empty();
        }
        return Optional.of(duration);
    }

    private List<LabelMatcher> matchers(Node node, String field) {
        List<LabelMatcher> matchers = new ArrayList<>();
        List<Node> items = list(node, field, "matchers, like ['grade = \"major\"']").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String text = yaml.text(items.get(i), field + "[" + i + "]");
            if (text == null) {
                continue;
            }
            try {
                matchers.add(LabelMatcher.parse(text));
            } catch (IllegalArgumentException e) {
                yaml.problem(items.get(i), field + "[" + i + "]", e.getMessage());
            }
        }
        return matchers;
    }
}
