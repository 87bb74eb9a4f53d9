package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.alerting.AlertEvent;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.AlertStore;
import io.annexa.alerting.AlertStore.Delivery;
import io.annexa.alerting.AlertSubject;
import io.annexa.alerting.ReceiverConfig;
import io.annexa.service.AlertConfiguration;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Alert deliveries, receivers and the alert configuration in service. Reading needs {@code viewer}, like the register
 * (the evidence summary in a delivery's events needs {@code auditor}, as on a nonconformity). Redelivering and enabling
 * a receiver need {@code admin}: they send the register's content to outside endpoints again, a setting's decision.
 * No answer carries a secret: a webhook shows only its scheme and host (a Slack or Teams URL is itself a credential),
 * never its signing secret.
 */
@Path("alerts")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class AlertResource {

    static final int MAX_LIMIT = 1000;

    public record EventView(String id, String type, Instant at, Map<String, String> labels, AlertSubject subject) {
        static EventView of(AlertEvent e, boolean details) {
            AlertSubject s = e.subject();
            AlertSubject shown = details ? s : new AlertSubject(s.nonconformityId(), s.ruleId(), s.ruleTitle(), s.control(), s.annexA(),
                    s.clauses(), s.requirement(), s.grade(), s.severity(), s.status(), s.asset(), s.owner(), null, s.firstSeen(),
                    s.lastSeen(), s.link());
            return new EventView(e.id(), e.type(), e.at(), e.labels(), shown);
        }
    }

    /** {@code events} only when one delivery is read. {@code reminder}: a repeat_interval reminder, not news. */
    public record DeliveryView(String id, String receiver, String channel, String groupKey, String state, int attempts,
                               Instant nextAttemptAt, String lastError, Integer lastStatus, Instant createdAt, Instant deliveredAt,
                               boolean reminder, List<EventView> events) {
        static DeliveryView of(Delivery d, List<EventView> events) {
            return new DeliveryView(d.id(), d.receiver(), d.channel(), d.groupKey(), d.state().label(), d.attempts(),
                    d.nextAttemptAt(), d.lastError(), d.lastStatus(), d.createdAt(), d.deliveredAt(), d.reminder(), events);
        }
    }

    public record Page<T>(List<T> items, String next) {
    }

    /**
     * A receiver as configured and as the dispatcher left it. {@code configured}: false for one disabled by 410 and since
     * removed from config/alerts.yml. {@code webhook}: scheme and host only.
     */
    public record ReceiverView(String name, boolean configured, String webhook, String webhookFormat, boolean signed,
                               List<String> email, boolean disabled, Instant disabledAt, String disabledReason,
                               Map<String, Long> deliveries) {
    }

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    @Path("deliveries")
    public Page<DeliveryView> deliveries(@QueryParam("state") String state, @QueryParam("limit") String limit,
                                         @QueryParam("cursor") String cursor) {
        try {
            AlertStore.State wanted = blank(state) ? null : AlertStore.State.parse(state.strip());
            int size = blank(limit) ? 100 : Integer.parseInt(limit.strip());
            if (size < 1 || size > MAX_LIMIT) {
                throw ApiError.badRequest("query parameter limit: between 1 and " + MAX_LIMIT + ", not " + size);
            }
            AlertStore.Page<Delivery> page = store().deliveries(wanted, blank(cursor) ? null : cursor.strip(), size);
            return new Page<>(page.items().stream().map(d -> DeliveryView.of(d, null)).toList(), page.next().orElse(null));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("query parameter limit: '" + limit + "' is not a number");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage().startsWith("state") ? "query parameter " + e.getMessage() : e.getMessage());
        }
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("deliveries/{id}")
    public DeliveryView delivery(@PathParam("id") String id) {
        Delivery d = store().delivery(id).orElseThrow(() -> ApiError.notFound("no delivery with id " + id));
        boolean details = AccessFilter.may(request, Role.AUDITOR);
        return DeliveryView.of(d, d.events().stream().map(e -> EventView.of(e, details)).toList());
    }

    @POST
    @Requires(Role.ADMIN)
    @Path("deliveries/{id}/redeliver")
    @Consumes(MediaType.WILDCARD)
    public DeliveryView redeliver(@PathParam("id") String id) {
        AlertStore store = store();
        if (!store.redeliver(id, Instant.now())) {
            throw ApiError.notFound("no delivery with id " + id);
        }
        service.alertDispatcher().ifPresent(d -> d.wakeUp());
        return delivery(id);
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("receivers")
    public List<ReceiverView> receivers() {
        AlertStore store = store();
        AlertRouting routing = configuration().routing();
        Map<String, AlertStore.ReceiverState> disabled = store.disabledReceivers();
        Map<String, Map<AlertStore.State, Long>> counts = store.countsByReceiver();
        TreeSet<String> names = new TreeSet<>(disabled.keySet());
        routing.receivers().forEach(r -> names.add(r.name()));
        List<ReceiverView> views = new ArrayList<>();
        for (String name : names) {
            ReceiverConfig config = routing.receiver(name).orElse(null);
            AlertStore.ReceiverState state = disabled.get(name);
            Map<String, Long> byState = new java.util.LinkedHashMap<>();
            for (AlertStore.State s : AlertStore.State.values()) {
                byState.put(s.label(), counts.getOrDefault(name, Map.of()).getOrDefault(s, 0L));
            }
            views.add(new ReceiverView(name, config != null,
                    config == null || config.webhook() == null ? null : origin(config.webhook().url()),
                    config == null || config.webhook() == null ? null : config.webhook().format(),
                    config != null && config.webhook() != null && config.webhook().secret() != null,
                    config == null || config.email() == null ? null : config.email().to(),
                    state != null, state == null ? null : state.disabledAt(), state == null ? null : state.reason(), byState));
        }
        return views;
    }

    @POST
    @Requires(Role.ADMIN)
    @Path("receivers/{name}/enable")
    @Consumes(MediaType.WILDCARD)
    public Response enable(@PathParam("name") String name) {
        if (!store().enableReceiver(name, AccessFilter.caller(request).describe(), Instant.now())) {
            throw ApiError.of(Response.Status.CONFLICT, "receiver '" + name + "' is not disabled");
        }
        service.alertDispatcher().ifPresent(d -> d.wakeUp());
        return Response.ok(receivers().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null)).build();
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("config")
    public AlertConfiguration.Status config() {
        return configuration().status();
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private AlertStore store() {
        return Ready.require(service, AnnexaService::alertStore);
    }

    private AlertConfiguration configuration() {
        return Ready.require(service, AnnexaService::alertConfiguration);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
