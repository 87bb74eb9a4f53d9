package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web console's sign-in session on the real Payara Micro, as a browser uses it: the cookie it gets and
 * its attributes, reading with it, being refused a change without the CSRF token and allowed one with it,
 * signing out, and the old cookie refused afterwards. HTTPS (Secure, {@code __Host-}) is in BundleSecurityIT.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String USER = "session-analyst";
    private static final String PASSWORD = "session password 0001";

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    private AnnexaClient admin;

    @BeforeEach
    void user() {
        admin = new AnnexaClient(URI.create(base.toString()));
        await().atMost(DEADLINE).until(admin::healthy);
        AnnexaClient.Reply reply = admin.post("api/users", "{\"name\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"analyst\"}");
        assertThat(reply.status()).as(reply.body()).isIn(201, 409);
    }

    @Test
    void aSessionReadsChangesOnlyWithItsCsrfTokenAndEndsAtSignOut() {
        AnnexaClient.Reply signedIn = send("POST", "api/session", "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}",
                "application/json");

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        String setCookie = sessionSetCookie(signedIn);
        List<String> attributes = attributes(setCookie);
        assertThat(attributes).contains("httponly", "samesite=strict", "path=/").doesNotContain("secure")
                .noneMatch(a -> a.startsWith("domain=") || a.startsWith("max-age=") || a.startsWith("expires="));
        String cookie = setCookie.substring(0, setCookie.indexOf(';')).strip();
        assertThat(cookie).startsWith("annexa-session=");
        assertThat(cookie.substring("annexa-session=".length())).matches("[A-Za-z0-9_-]{43}");
        assertThat(signedIn.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject who = signedIn.json().asJsonObject();
        assertThat(who.getString("user")).isEqualTo(USER);
        assertThat(who.getString("role")).isEqualTo("analyst");
        assertThat(who.getString("signedInWith")).isEqualTo("session");
        String csrf = who.getString("csrfToken");
        assertThat(csrf).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(cookie.substring("annexa-session=".length()));
        assertThat(who.getJsonNumber("idleTimeoutSeconds").longValue()).isEqualTo(1800);

        AnnexaClient.Reply controls = send("GET", "api/controls", null, null, "Cookie", cookie);
        assertThat(controls.status()).as(controls.body()).isEqualTo(200);
        AnnexaClient.Reply again = send("GET", "api/session", null, null, "Cookie", cookie);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().asJsonObject().getString("csrfToken")).isEqualTo(csrf);
        // the role still decides: an analyst's session does not reach the admins' endpoints
        assertThat(send("GET", "api/users", null, null, "Cookie", cookie).status()).isEqualTo(403);

        String token = "{\"name\":\"from the console\",\"expiresInDays\":1}";
        AnnexaClient.Reply withoutCsrf = send("POST", "api/tokens", token, "application/json", "Cookie", cookie);
        assertThat(withoutCsrf.status()).isEqualTo(403);
        assertThat(withoutCsrf.body()).contains("X-CSRF-Token").contains("missing");
        AnnexaClient.Reply wrongCsrf = send("POST", "api/tokens", token, "application/json", "Cookie", cookie, "X-CSRF-Token", csrf.substring(1) + "A");
        assertThat(wrongCsrf.status()).isEqualTo(403);
        assertThat(wrongCsrf.body()).contains("X-CSRF-Token").contains("does not match");
        assertThat(admin.as(USER, PASSWORD).get("api/tokens").body()).doesNotContain("from the console");

        AnnexaClient.Reply created = send("POST", "api/tokens", token, "application/json", "Cookie", cookie, "X-CSRF-Token", csrf);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().asJsonObject().getString("user")).isEqualTo(USER);
        long tokenId = created.json().asJsonObject().getJsonNumber("id").longValue();
        assertThat(send("DELETE", "api/tokens/" + tokenId, null, null, "Cookie", cookie, "X-CSRF-Token", csrf).status()).isEqualTo(204);

        assertThat(send("DELETE", "api/session", null, null, "Cookie", cookie).status()).as("signing out is a change too").isEqualTo(403);
        AnnexaClient.Reply signedOut = send("DELETE", "api/session", null, null, "Cookie", cookie, "X-CSRF-Token", csrf);
        assertThat(signedOut.status()).isEqualTo(204);
        String cleared = sessionSetCookie(signedOut);
        assertThat(cleared.substring(0, cleared.indexOf(';'))).isIn("annexa-session=", "annexa-session=\"\"");
        assertThat(attributes(cleared)).contains("max-age=0", "httponly", "samesite=strict", "path=/");

        AnnexaClient.Reply after = send("GET", "api/controls", null, null, "Cookie", cookie);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body()).contains("sign in again");
        assertThat(after.headers().allValues("WWW-Authenticate")).as("no Basic dialog over the console").noneMatch(v -> v.startsWith("Basic"));
        assertThat(send("GET", "api/session", null, null, "Cookie", cookie).status()).isEqualTo(401);
    }

    @Test
    void behindATrustedProxyThatEndedTlsTheCookieIsSecureAndHostPrefixed() {
        // the container trusts loopback as a reverse proxy (arquillian.xml: annexa.http.trusted-proxies)
        AnnexaClient proxy = new AnnexaClient(URI.create(base.toString().replace("//" + base.getHost() + ":", "//127.0.0.1:"))).anonymous();
        String credentials = "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}";

        AnnexaClient.Reply signedIn = proxy.request("POST", "api/session", credentials, "application/json",
                "X-Forwarded-Proto", "https", "Accept", "application/json");
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        List<String> secure = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-annexa-session=")).toList();
        assertThat(secure).as("Set-Cookie headers: %s", signedIn.headers().allValues("Set-Cookie")).hasSize(1);
        assertThat(attributes(secure.get(0))).contains("secure", "httponly", "samesite=strict", "path=/")
                .noneMatch(a -> a.startsWith("domain="));
        String cookie = secure.get(0).substring(0, secure.get(0).indexOf(';')).strip();

        assertThat(proxy.request("GET", "api/controls", null, null, "Cookie", cookie, "X-Forwarded-Proto", "https",
                "Accept", "application/json").status()).isEqualTo(200);
        // the same cookie on a request the proxy did not receive over TLS is not a session
        assertThat(proxy.request("GET", "api/controls", null, null, "Cookie", cookie, "Accept", "application/json").status())
                .isEqualTo(401);

        AnnexaClient.Reply plain = proxy.request("POST", "api/session", credentials, "application/json",
                "X-Forwarded-Proto", "http", "Accept", "application/json");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(attributes(sessionSetCookie(plain))).doesNotContain("secure");
    }

    @Test
    void anHtmlFormSignsInToo() {
        AnnexaClient.Reply signedIn = send("POST", "api/session", form(USER, PASSWORD), "application/x-www-form-urlencoded",
                "Origin", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort());

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        String cookie = sessionSetCookie(signedIn).split(";")[0];
        assertThat(send("GET", "api/nonconformities", null, null, "Cookie", cookie).status()).isEqualTo(200);
        // Basic credentials win over a cookie sent alongside, and need no CSRF token
        AnnexaClient.Reply basic = send("POST", "api/tokens", "{\"name\":\"script\",\"expiresInDays\":1}", "application/json",
                "Cookie", cookie, "Authorization", AnnexaClient.basic(USER, PASSWORD));
        assertThat(basic.status()).as(basic.body()).isEqualTo(201);
        assertThat(admin.as(USER, PASSWORD).delete("api/tokens/" + basic.json().asJsonObject().getJsonNumber("id").longValue()).status())
                .isEqualTo(204);
    }

    @Test
    void anotherSitesFormAWrongPasswordAndAnEmptyBodyDoNotSignIn() {
        AnnexaClient.Reply crossSite = send("POST", "api/session", form(USER, PASSWORD), "application/x-www-form-urlencoded",
                "Origin", "https://attacker.example");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.body()).contains("another site");
        assertThat(crossSite.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(send("POST", "api/session", form(USER, PASSWORD), "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site")
                .status()).isEqualTo(403);

        AnnexaClient.Reply wrong = send("POST", "api/session", "{\"username\":\"" + USER + "\",\"password\":\"not the password\"}", "application/json");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(wrong.headers().allValues("WWW-Authenticate")).isNotEmpty().noneMatch(v -> v.startsWith("Basic"));

        assertThat(send("POST", "api/session", "{}", "application/json").status()).isEqualTo(400);
        assertThat(send("GET", "api/session", null, null).status()).isEqualTo(401);
        assertThat(admin.delete("api/session").status()).as("HTTP Basic has no session to end").isEqualTo(404);
    }

    private static String form(String user, String password) {
        return "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private static String sessionSetCookie(AnnexaClient.Reply reply) {
        List<String> cookies = reply.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("annexa-session=")).toList();
        assertThat(cookies).as("Set-Cookie headers: %s", reply.headers().allValues("Set-Cookie")).hasSize(1);
        return cookies.get(0);
    }

    /** A Set-Cookie header's attributes after the name=value, lower-cased. */
    private static List<String> attributes(String setCookie) {
        return Arrays.stream(setCookie.split(";")).skip(1).map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** A request as a browser page's script sends it: no credentials but the headers given (name, value, ...). */
    private AnnexaClient.Reply send(String method, String path, String body, String contentType, String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Accept";
        all[headers.length + 1] = "application/json";
        return admin.anonymous().request(method, path, body, contentType, all);
    }
}
