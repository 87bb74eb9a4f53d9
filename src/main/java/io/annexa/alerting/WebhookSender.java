package io.annexa.alerting;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts a notification to a receiver's webhook, signed the Standard Webhooks way, and classifies the answer.
 *
 * <p>Before connecting, the host is resolved and every address it resolves to must pass the {@link TargetPolicy};
 * one refused address refuses the target, without a connection. Against DNS rebinding (a name that answers a
 * public address to the check and a private one to the connection):
 * <ul>
 *   <li>{@code http}: the request goes to the checked address itself (the URL's host replaced by the address,
 *       the {@code Host} header set to the name). The JDK's client allows setting {@code Host} only when the JVM
 *       runs with {@code -Djdk.httpclient.allowRestrictedHeaders=host} (the bundle sets it); without it the
 *       request goes to the name and is covered by the JVM's DNS cache only (below).</li>
 *   <li>{@code https}: java.net.http has no resolver hook, and pinning the address would break SNI and the
 *       certificate's host name check. The connection resolves the name again, normally from the JVM's DNS cache
 *       the check just filled ({@code networkaddress.cache.ttl}, 30 s by default); a rebound answer would also
 *       have to present a valid certificate for the webhook's host name.</li>
 * </ul>
 * Redirects are never followed (a redirect is another way into the internal network): 3xx is permanent.
 * Reasons name the URL's origin only: Slack and Teams webhook URLs carry their credential in the path.
 */
public final class WebhookSender implements AlertSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());
    static final String USER_AGENT = "Annexa-Alerts/1";
    /** How much of a refusing receiver's answer a reason quotes. */
    private static final int QUOTED_BODY_BYTES = 200;

    private final TargetPolicy policy;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient client;

    public WebhookSender(TargetPolicy policy, Clock clock, Duration timeout) {
        this.policy = policy;
        this.clock = clock;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver) {
        WebhookConfig webhook = receiver.webhook();
        if (webhook == null || webhook.url() == null) {
            return new DeliveryOutcome.Permanent("receiver '" + receiver.name() + "' has no webhook URL");
        }
        URI url = webhook.url();
        String origin = origin(url);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return new DeliveryOutcome.Permanent("webhook URL of receiver '" + receiver.name() + "' is not http or https");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return new DeliveryOutcome.Permanent("webhook URL of receiver '" + receiver.name() + "' has no host");
        }
        if (url.getRawUserInfo() != null) {
            return new DeliveryOutcome.Permanent("webhook URL of receiver '" + receiver.name()
                    + "' carries user info; sign with the receiver's secret instead");
        }
        String body;
        try {
            body = AlertPayload.json(notification, webhook.format());
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Permanent(e.getMessage());
        }
        long timestamp = clock.instant().getEpochSecond();
        String signature = null;
        if (webhook.secret() != null) {
            try {
                signature = WebhookSignature.sign(webhook.secret(), deliveryId, timestamp, body);
            } catch (IllegalArgumentException e) {
                return new DeliveryOutcome.Permanent("receiver '" + receiver.name() + "': " + e.getMessage());
            }
        }

        String host = hostName(url);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new DeliveryOutcome.Retry("cannot resolve " + host, null);
        }
        for (InetAddress address : addresses) {
            if (!policy.allows(address)) {
                return new DeliveryOutcome.Permanent("target " + origin + " resolves to " + address.getHostAddress()
                        + ", which the target policy refuses (loopback, private, link-local, metadata or reserved);"
                        + " allow-list it to send there");
            }
        }

        HttpRequest.Builder request = HttpRequest.newBuilder()
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("webhook-id", deliveryId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        request.uri(scheme.equals("http") ? pinned(url, addresses[0], request) : url);

        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            return new DeliveryOutcome.Retry("connecting to " + origin + " timed out after " + timeout.toSeconds() + " s", null);
        } catch (HttpTimeoutException e) {
            return new DeliveryOutcome.Retry(origin + " did not answer within " + timeout.toSeconds() + " s", null);
        } catch (ConnectException e) {
            return new DeliveryOutcome.Retry("cannot connect to " + origin + ": " + quiet(e, url), null);
        } catch (IOException e) {
            return new DeliveryOutcome.Retry("sending to " + origin + " failed: " + quiet(e, url), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Retry("interrupted while sending to " + origin, null);
        }
        return classify(response, origin);
    }

    private DeliveryOutcome classify(HttpResponse<InputStream> response, String origin) {
        int status = response.statusCode();
        String answer = quote(response);
        if (status >= 200 && status < 300) {
            return new DeliveryOutcome.Delivered(status);
        }
        String said = origin + " answered " + status + answer;
        if (status == 410) {
            return new DeliveryOutcome.Gone(said + "; the receiver is disabled until it is re-enabled");
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new DeliveryOutcome.Retry(said, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        if (status >= 300 && status < 400) {
            return new DeliveryOutcome.Permanent(said + "; redirects are not followed");
        }
        return new DeliveryOutcome.Permanent(said);
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 10.2.3); null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // not delay-seconds: an HTTP-date then
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The start of the receiver's answer, for the operator reading why a delivery failed. */
    private static String quote(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] start = in.readNBytes(QUOTED_BODY_BYTES);
            String text = new String(start, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The URL with its host replaced by the checked address, and the Host header set to the name, when the JVM
     * allows setting Host; else the URL as it is.
     */
    private URI pinned(URI url, InetAddress address, HttpRequest.Builder request) {
        String literal = address instanceof Inet6Address ? "[" + address.getHostAddress().replaceAll("%.*", "") + "]"
                : address.getHostAddress();
        if (literal.equals(url.getHost()) || ("[" + hostName(url) + "]").equals(literal)) {
            return url;
        }
        try {
            request.header("Host", url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort());
        } catch (IllegalArgumentException restricted) {
            HostHeader.warnOnce();
            return url;
        }
        // the raw path and query, so percent-encoding reaches the receiver as written
        return URI.create(url.getScheme() + "://" + literal + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Whether this JVM lets a request carry its own Host header, which pinning the checked address needs. */
    static boolean canPinAddresses() {
        try {
            HttpRequest.newBuilder().header("Host", "annexa.invalid");
            return true;
        } catch (IllegalArgumentException restricted) {
            return false;
        }
    }

    /** scheme://host[:port] of a URL: what reasons and logs may show of it. */
    static String origin(URI url) {
        String host = url.getHost() == null ? "?" : url.getHost();
        return url.getScheme() + "://" + host + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private static String hostName(URI url) {
        String host = url.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** An exception's message without the URL's path and query, which may hold a credential. */
    private static String quiet(Exception e, URI url) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace(url.toString(), origin(url));
    }

    private static final class HostHeader {
        private static volatile boolean warned;

        static void warnOnce() {
            if (!warned) {
                warned = true;
                LOG.log(Level.WARNING, "http webhooks are sent to the host name, not to the address checked against the"
                        + " target policy: start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host to pin the address");
            }
        }
    }
}
