package io.annexa.alerting;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The receivers and the routing tree of {@code config/alerts.yml}, with Alertmanager's semantics: an alert walks the
 * tree depth first, the first matching child takes it unless it says {@code continue: true}, children inherit
 * receiver, grouping and timings from their parent, and a route none of whose children match takes the alert itself.
 * Immutable; read a new one when the file changes.
 */
public final class AlertRouting {

    private static final AlertRouting EMPTY = new AlertRouting(Map.of(), null, TargetPolicy.strict());

    private final Map<String, ReceiverConfig> receivers;
    private final Route root;
    private final TargetPolicy targetPolicy;

    AlertRouting(Map<String, ReceiverConfig> receivers, Route root, TargetPolicy targetPolicy) {
        this.receivers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
        this.root = root;
        this.targetPolicy = targetPolicy;
    }

    /** No receivers: nothing is routed. */
    public static AlertRouting empty() {
        return EMPTY;
    }

    /**
     * Reads the file, resolving {@code ${env:VAR}} from the process environment. A file with no receivers and no route
     * (or only comments) means "no alerts".
     *
     * @param display how problems name the file, e.g. {@code config/alerts.yml}
     * @throws AlertConfigException listing every problem found, each with line and column
     */
    public static AlertRouting read(Path file, String display) throws AlertConfigException {
        return read(file, display, System::getenv);
    }

    /** As {@link #read(Path, String)}, with {@code environment} answering {@code ${env:VAR}} (null when unset). */
    public static AlertRouting read(Path file, String display, Function<String, String> environment) throws AlertConfigException {
        return new AlertRoutingReader(file, display, environment).read();
    }

    /** The targets of every route that takes an alert with these labels (missing labels count as {@code ""}). */
    public List<RouteTarget> route(Map<String, String> labels) {
        return root == null ? List.of() : root.match(AlertEvent.complete(labels));
    }

    public Optional<ReceiverConfig> receiver(String name) {
        return Optional.ofNullable(receivers.get(name));
    }

    /** In the order of the file. */
    public List<ReceiverConfig> receivers() {
        return List.copyOf(receivers.values());
    }

    /** From {@code allow_private_targets}. */
    public TargetPolicy targetPolicy() {
        return targetPolicy;
    }
}
