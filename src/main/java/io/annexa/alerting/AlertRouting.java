package io.annexa.alerting;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Stand-in of the routing branch's AlertRouting, to be replaced at merge: a routing tree in Alertmanager's shape
 * (route: receiver, group_by, group_wait, group_interval, repeat_interval, matchers, continue, routes; receivers: name,
 * webhook {url, secret, format}, email {to}; allow_private_targets), without line numbers in its problems.
 */
public final class AlertRouting {

    private record Node(String id, List<LabelMatcher> matchers, boolean cont, RouteTarget target, List<Node> children) {
    }

    private final Node root;
    private final Map<String, ReceiverConfig> receivers;
    private final TargetPolicy policy;

    private AlertRouting(Node root, Map<String, ReceiverConfig> receivers, TargetPolicy policy) {
        this.root = root;
        this.receivers = receivers;
        this.policy = policy;
    }

    public static AlertRouting empty() {
        return new AlertRouting(null, Map.of(), new TargetPolicy(false));
    }

    public static AlertRouting read(Path file, String display) throws AlertConfigException {
        if (!Files.exists(file)) {
            return empty();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        try {
            Object loaded = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            if (loaded == null) {
                return empty();
            }
            if (!(loaded instanceof Map<?, ?> top)) {
                throw new AlertConfigException(List.of(new ConfigProblem(display, 1, 1, "the file must be a mapping")));
            }
            Map<String, ReceiverConfig> receivers = new LinkedHashMap<>();
            for (Object r : list(top.get("receivers"))) {
                Map<?, ?> m = (Map<?, ?>) r;
                String name = String.valueOf(m.get("name"));
                WebhookConfig webhook = m.get("webhook") instanceof Map<?, ?> w
                        ? new WebhookConfig(URI.create(String.valueOf(w.get("url"))), w.get("secret") == null ? null : String.valueOf(w.get("secret")),
                        w.get("format") == null ? "standard" : String.valueOf(w.get("format")))
                        : null;
                EmailConfig email = m.get("email") instanceof Map<?, ?> e
                        ? new EmailConfig(list(e.get("to")).stream().map(String::valueOf).toList()) : null;
                receivers.put(name, new ReceiverConfig(name, webhook, email));
            }
            Node root = top.get("route") instanceof Map<?, ?> route
                    ? node(route, "0", new RouteTarget(null, List.of(), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4), "0"),
                    receivers, display, problems)
                    : null;
            if (!problems.isEmpty()) {
                throw new AlertConfigException(problems);
            }
            return new AlertRouting(root, Map.copyOf(receivers), new TargetPolicy(Boolean.TRUE.equals(top.get("allow_private_targets"))));
        } catch (IOException | RuntimeException e) {
            throw new AlertConfigException(List.of(new ConfigProblem(display, 1, 1, "cannot be read: " + e.getMessage())));
        }
    }

    private static Node node(Map<?, ?> m, String id, RouteTarget parent, Map<String, ReceiverConfig> receivers, String display,
                             List<ConfigProblem> problems) {
        String receiver = m.get("receiver") == null ? parent.receiver() : String.valueOf(m.get("receiver"));
        if (receiver == null || !receivers.containsKey(receiver)) {
            problems.add(new ConfigProblem(display, 1, 1, "route " + id + ": receiver '" + receiver + "' is not declared"));
        }
        List<String> groupBy = m.containsKey("group_by") ? list(m.get("group_by")).stream().map(String::valueOf).toList() : parent.groupBy();
        RouteTarget target = new RouteTarget(receiver, groupBy, duration(m.get("group_wait"), parent.groupWait()),
                duration(m.get("group_interval"), parent.groupInterval()), duration(m.get("repeat_interval"), parent.repeatInterval()), id);
        List<LabelMatcher> matchers = list(m.get("matchers")).stream().map(t -> LabelMatcher.parse(String.valueOf(t))).toList();
        List<Node> children = new ArrayList<>();
        List<Object> routes = list(m.get("routes"));
        for (int i = 0; i < routes.size(); i++) {
            children.add(node((Map<?, ?>) routes.get(i), id + "." + i, target, receivers, display, problems));
        }
        return new Node(id, matchers, Boolean.TRUE.equals(m.get("continue")), target, children);
    }

    private static Duration duration(Object value, Duration inherited) {
        if (value == null) {
            return inherited;
        }
        String text = String.valueOf(value).strip();
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration '" + text + "': use s, m or h");
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    public List<RouteTarget> route(Map<String, String> labels) {
        if (root == null) {
            return List.of();
        }
        List<RouteTarget> targets = new ArrayList<>();
        match(root, labels, targets);
        return targets;
    }

    private static boolean match(Node node, Map<String, String> labels, List<RouteTarget> targets) {
        if (!node.matchers().stream().allMatch(m -> m.matches(labels))) {
            return false;
        }
        boolean child = false;
        for (Node c : node.children()) {
            if (match(c, labels, targets)) {
                child = true;
                if (!c.cont()) {
                    break;
                }
            }
        }
        if (!child) {
            targets.add(node.target());
        }
        return true;
    }

    public Optional<ReceiverConfig> receiver(String name) {
        return Optional.ofNullable(receivers.get(name));
    }

    public List<ReceiverConfig> receivers() {
        return List.copyOf(receivers.values());
    }

    public TargetPolicy targetPolicy() {
        return policy;
    }
}
