package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless Chromium through Selenium) against the real Payara Micro, with
 * the bundled sample hosts as the seeded scenario ({@code web-01.sample} has seven open nonconformities after start).
 * Signs in, reads the heatmap against the API, acknowledges a nonconformity and sees its history entry, shows a viewer
 * no action (and the API refuses the viewer anyway), validates a broken rule and sees its line, downloads the SoA as CSV
 * and parses it back. Every page visited is checked with axe-core: no serious or critical violation. Screenshots of the
 * overview, a nonconformity and the rules page go to {@code target/console-screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String SAMPLE = "web-01.sample";
    private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
    private static final String PASSWORD = "console password 0001";
    private static final Map<String, String> USERS = Map.of("console-viewer", "viewer", "console-analyst", "analyst",
            "console-author", "rule-author", "console-admin", "admin");

    private static ChromeDriver browser;
    private static final Map<String, List<String>> CHECKED = new LinkedHashMap<>();

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL deployed;

    /**
     * Where the browser opens the console: the deployment on the loopback address. Chromium treats 127.0.0.1 as a
     * potentially trustworthy origin; on the machine's other address ({@code deployed}'s host) the console's page did
     * not finish loading in headless Chromium here.
     */
    private String base;

    private AnnexaClient admin;
    private WebDriverWait wait;

    @BeforeEach
    void setUp() throws IOException {
        base = "http://127.0.0.1:" + deployed.getPort() + deployed.getPath();
        admin = new AnnexaClient(URI.create(base));
        await().atMost(DEADLINE).until(admin::healthy);
        for (Map.Entry<String, String> user : USERS.entrySet()) {
            AnnexaClient.Reply reply = admin.post("api/users", "{\"name\":\"" + user.getKey() + "\",\"password\":\"" + PASSWORD
                    + "\",\"role\":\"" + user.getValue() + "\"}");
            assertThat(reply.status()).as(reply.body()).isIn(201, 409);
        }
        // the seeded scenario: the sample host's seven nonconformities are in the register
        await().atMost(DEADLINE).until(() -> admin.list("api/nonconformities?asset=" + SAMPLE).size() >= 7);
        if (browser == null) {
            browser = Chromium.start(work());
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        }
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @Test
    @Order(1)
    void signsInWithAnHttpOnlySameSiteCookieAndOut() {
        browser.manage().deleteAllCookies();
        browser.get(base);
        WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        accessible("sign-in");
        // a wrong password is refused on the page, in words
        user.sendKeys("console-analyst");
        browser.findElement(By.id("password")).sendKeys("not the password at all");
        browser.findElement(By.cssSelector("form.login button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "Wrong user name or password"));

        signIn("console-analyst");
        Cookie cookie = browser.manage().getCookieNamed("annexa-session");
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(String.valueOf(script("return document.cookie"))).as("page scripts cannot read the session").doesNotContain("annexa-session");

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.manage().getCookieNamed("annexa-session")).isNull();
        assertThat(admin.anonymous().request("GET", "api/controls", null, null,
                "Cookie", "annexa-session=" + cookie.getValue()).status()).as("the old cookie after signing out").isEqualTo(401);
    }

    @Test
    @Order(2)
    void theHeatmapShowsTheNinetyThreeControlsWithTheStatusesTheApiReports() throws IOException {
        signIn("console-analyst");
        Map<String, String> expected = Map.of();
        Map<String, String> shown = Map.of();
        for (int attempt = 0; attempt < 5; attempt++) {
            Map<String, String> before = statuses();
            browser.navigate().refresh();
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("a.cell[data-control]"), 93));
            shown = browser.findElements(By.cssSelector("a.cell[data-control]")).stream().collect(Collectors.toMap(
                    e -> e.getDomAttribute("data-control"), e -> e.getDomAttribute("data-status"), (a, b) -> a, LinkedHashMap::new));
            expected = statuses();
            if (before.equals(expected) && shown.equals(expected)) {
                break; // the register changed while the page loaded: look again
            }
        }
        assertThat(shown).hasSize(93).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(shown).containsEntry("8.5", "nonconforming");
        WebElement rootLogin = browser.findElement(By.cssSelector("a.cell[data-control='8.5']"));
        assertThat(rootLogin.getDomAttribute("data-grade")).isEqualTo("major");
        assertThat(rootLogin.getDomAttribute("class")).contains("nc-major");
        assertThat(browser.findElements(By.cssSelector(".themes section.theme"))).hasSize(4);
        assertThat(browser.findElements(By.cssSelector("a.cell.manual"))).as("controls no rule covers show as manual").isNotEmpty();

        JsonObject overview = admin.get("api/overview").json().asJsonObject();
        for (String grade : List.of("major", "minor", "observation")) {
            assertThat(browser.findElement(By.cssSelector(".stat[data-grade='" + grade + "'] .figure")).getText())
                    .isEqualTo(String.valueOf(overview.getJsonObject("openByGrade").getInt(grade)));
        }
        assertThat(browser.findElements(By.cssSelector("tr[data-source]"))).as("source health").isNotEmpty();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".chart canvas")));
        assertThat(script("return document.documentElement.scrollWidth <= window.innerWidth")).as("no sideways scrolling at 1366x768")
                .isEqualTo(true);
        screenshot("overview");
        accessible("overview");
    }

    @Test
    @Order(3)
    void aNonconformityIsAcknowledgedInTheConsoleAndItsHistoryShowsIt() throws IOException {
        long id = actionable(0);
        signIn("console-analyst");
        open("#/nonconformities?asset=" + SAMPLE);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-nonconformity='" + id + "'] a"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "#" + id));
        accessible("nonconformity");

        // a form checks its fields and says what is missing, at the field
        expand("plan");
        browser.findElement(By.cssSelector("button[data-action='plan']")).click();
        assertThat(browser.findElement(By.id("plan-rootCause-error")).getText()).isEqualTo("Root cause is required.");
        assertThat(browser.findElement(By.id("plan-rootCause")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("plan-rootCause");

        expand("acknowledge");
        browser.findElement(By.id("acknowledge-comment")).sendKeys("seen in the console");
        browser.findElement(By.cssSelector("button[data-action='acknowledge']")).click();
        WebElement entry = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#history tr[data-history='acknowledge']")));
        assertThat(entry.getText()).contains("console-analyst").contains("open").contains("acknowledged").contains("seen in the console");
        assertThat(browser.findElement(By.cssSelector("[data-field='status']")).getText()).isEqualTo("acknowledged");
        assertThat(admin.get("api/nonconformities/" + id).json().asJsonObject().getString("status")).isEqualTo("acknowledged");
        assertThat(browser.findElements(By.cssSelector("#occurrences tbody tr"))).as("evidence occurrences").isNotEmpty();
        screenshot("nonconformity");
        accessible("nonconformity, acknowledged");
    }

    @Test
    @Order(4)
    void aViewerSeesNoActionAndTheApiRefusesTheActionAnyway() {
        long id = actionable(0);
        signIn("console-viewer");
        open("#/nonconformities/" + id);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "#" + id));
        assertThat(browser.findElement(By.id("actions")).getText()).contains("analyst role");
        assertThat(browser.findElements(By.cssSelector("form.action, [data-action], details.action-box, #history"))).isEmpty();
        accessible("nonconformity as a viewer");

        open("#/rules");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-rule]")));
        assertThat(browser.findElements(By.cssSelector("#validate, #deploy, button[data-rule], button[data-edit], textarea"))).isEmpty();
        open("#/alerts");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Alerts"));
        assertThat(browser.findElements(By.cssSelector("[data-redeliver], #silence-create, [data-silence-end]"))).isEmpty();
        accessible("alerts as a viewer");
        open("#/exports");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("soa-json")));
        assertThat(browser.findElements(By.cssSelector("#soa-csv, #soa-xml, form[action='api/reports/audit']"))).isEmpty();
        accessible("exports as a viewer");

        // the page hides the buttons; the API refuses the viewer's session the action anyway, CSRF token and all
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('api/session').then(r => r.json()).then(s => fetch('api/nonconformities/' + arguments[0] + '/acknowledge', {
                  method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrfToken}, body: '{}'}))
                  .then(r => done(r.status), e => done(String(e)));""", id);
        assertThat(status).isEqualTo(403L);
        assertThat(admin.as("console-viewer", PASSWORD).post("api/nonconformities/" + id + "/acknowledge", "{}").status()).isEqualTo(403);
        assertThat(admin.get("api/nonconformities/" + id).json().asJsonObject().getString("status")).isIn("open", "reopened");
    }

    @Test
    @Order(5)
    void aBrokenRuleIsShownAtItsLine() throws IOException {
        signIn("console-author");
        open("#/rules");
        WebElement drl = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rule-drl")));
        assertThat(browser.findElements(By.cssSelector("tr[data-rule]")).size()).isEqualTo(admin.list("api/rules").size());
        screenshot("rules");
        accessible("rules");

        browser.findElement(By.id("validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rule-results"), "Valid"));

        String broken = drl.getDomProperty("value").replace("key == \"PermitUserEnvironment\"", "keyy == \"PermitUserEnvironment\"");
        assertThat(broken.split("\n")[8]).contains("keyy");
        drl.clear();
        drl.sendKeys(broken);
        browser.findElement(By.id("validate")).click();
        WebElement problem = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li.problem[data-line]")));
        assertThat(problem.getDomAttribute("data-file")).isEqualTo("sshd_permit_user_environment_disabled.drl");
        assertThat(problem.getDomAttribute("data-line")).isEqualTo("9");
        assertThat(problem.getText()).contains("line 9").contains("keyy");
        assertThat(browser.findElements(By.cssSelector(".editor-field:has(#rule-drl) .gutter span.bad")))
                .extracting(e -> e.getDomAttribute("data-line")).containsExactly("9");
        problem.findElement(By.tagName("button")).click();
        Object selected = script("const a = document.getElementById('rule-drl');"
                + " return a.value.slice(0, a.selectionStart).split('\\n').length;");
        assertThat(selected).as("the problem's button selects its line").isEqualTo(9L);
        screenshot("rules-problem");
        accessible("rules with a problem");

        // an existing rule of the library, opened in the editor from its row with the keyboard, broken and validated
        String shipped = "technological/c8_05_secure_authentication/sshd_empty_passwords_disabled";
        String id = shipped.substring(shipped.lastIndexOf('/') + 1);
        Path folder = Path.of(System.getProperty("annexa.projectDir"), "rules", shipped);
        WebElement edit = browser.findElement(By.cssSelector("tr[data-rule='" + id + "'] button[data-edit='" + id + "']"));
        assertThat(edit.getText()).startsWith("Edit");
        assertThat(edit.getDomProperty("textContent")).as("the button's name says which rule").isEqualTo("Edit " + id);
        edit.sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rule-editing"), "Editing " + id));
        assertThat(browser.findElement(By.id("rule-path")).getDomProperty("value")).isEqualTo(shipped);
        assertThat(browser.findElement(By.id("rule-yml")).getDomProperty("value"))
                .isEqualTo(Files.readString(folder.resolve("rule.yml")));
        assertThat(drl.getDomProperty("value")).isEqualTo(Files.readString(folder.resolve(id + ".drl")));
        try (Stream<Path> files = Files.list(folder.resolve("tests"))) {
            assertThat(browser.findElements(By.cssSelector("fieldset.scenario input[id$='-name']")))
                    .extracting(e -> e.getDomProperty("value"))
                    .containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString()).toList());
        }
        assertThat(script("return document.activeElement.id")).as("the DRL has the focus").isEqualTo("rule-drl");
        assertThat(browser.findElements(By.cssSelector("#rule-results li.problem"))).as("the last draft's problems are gone").isEmpty();

        String brokenShipped = drl.getDomProperty("value").replace("key == \"PermitEmptyPasswords\"", "keyy == \"PermitEmptyPasswords\"");
        assertThat(brokenShipped.split("\n")[10]).contains("keyy");
        drl.clear();
        drl.sendKeys(brokenShipped);
        browser.findElement(By.id("validate")).click();
        WebElement shippedProblem = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("li.problem[data-file='" + id + ".drl']")));
        assertThat(shippedProblem.getDomAttribute("data-line")).isEqualTo("11");
        assertThat(shippedProblem.getText()).contains("line 11").contains("keyy");
        assertThat(browser.findElements(By.cssSelector(".editor-field:has(#rule-drl) .gutter span.bad")))
                .extracting(e -> e.getDomAttribute("data-line")).containsExactly("11");
        assertThat(Files.readString(folder.resolve(id + ".drl"))).as("validating writes nothing").doesNotContain("keyy");
    }

    @Test
    @Order(6)
    void theSoaDownloadsAsCsvOfNinetyThreeRows() throws IOException {
        signIn("console-author");
        open("#/exports");
        Path downloads = Chromium.downloads(work());
        try (Stream<Path> old = Files.list(downloads)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        accessible("exports");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("soa-csv"))).click();
        Path csv = await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> files = Files.list(downloads)) {
                return files.filter(p -> p.toString().endsWith(".csv")).findFirst();
            }
        }, Optional::isPresent).orElseThrow();
        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
        assertThat(rows).hasSize(93);
        assertThat(rows).extracting(r -> r.get("control")).containsExactlyElementsOf(
                admin.list("api/controls").stream().map(c -> c.getString("id")).toList());
        assertThat(rows.stream().filter(r -> r.get("control").equals("8.5")).findFirst().orElseThrow().get("status")).isEqualTo("nonconforming");

        Map<String, String> headings = new LinkedHashMap<>();
        headings.put("#/controls/8.5", "8.5 Secure authentication");
        headings.put("#/assets", "Assets");
        headings.put("#/controls", "Controls");
        headings.put("#/nonconformities", "Nonconformities");
        headings.put("#/alerts", "Alerts");
        for (Map.Entry<String, String> page : headings.entrySet()) {
            open(page.getKey());
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), page.getValue()));
            accessible(page.getKey());
        }
        assertThat(browser.findElements(By.cssSelector("[data-redeliver]")).size()).as("an admin's action, not a rule-author's").isZero();
        assertThat(CHECKED).as("pages checked with axe-core").hasSizeGreaterThanOrEqualTo(12);
    }

    // --- helpers ---

    @Test
    @Order(7)
    void anAdminSilencesAlertsFromTheConsoleAndEndsTheSilence() {
        String why = "maintenance window of the sample host";
        signIn("console-admin");
        open("#/alerts");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Alerts"));
        browser.findElement(By.xpath("//details[.//form[contains(@class, 'silence')]]/summary")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("silence-matchers"))).sendKeys("asset = \"" + SAMPLE + "\"");

        // the comment is required: said at the field, which gets the focus
        browser.findElement(By.id("silence-create")).click();
        assertThat(browser.findElement(By.id("silence-comment-error")).getText()).startsWith("Comment is required");
        assertThat(browser.findElement(By.id("silence-comment")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("silence-comment");
        accessible("alerts as an admin, a silence's field refused");

        browser.findElement(By.id("silence-comment")).sendKeys(why);
        browser.findElement(By.id("silence-create")).click();
        WebElement silenced = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//tr[@data-silence][td[contains(., '" + why + "')]]")));
        String id = silenced.getDomAttribute("data-silence");
        JsonObject stored = admin.get("api/silences").json().asJsonArray().getValuesAs(JsonObject.class).stream()
                .filter(silence -> silence.getString("comment").equals(why)).findFirst().orElseThrow();
        assertThat(stored.getJsonNumber("id").toString()).isEqualTo(id);
        assertThat(stored.getString("createdBy")).contains("console-admin");
        assertThat(stored.getJsonArray("matchers").getValuesAs(jakarta.json.JsonString::getString)).singleElement()
                .asString().contains("asset").contains(SAMPLE);

        silenced.findElement(By.cssSelector("button[data-silence-end]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-silence='" + id + "']")));
        assertThat(admin.get("api/silences").body()).doesNotContain(why);
    }

    private void signIn(String user) {
        browser.manage().deleteAllCookies();
        browser.get(base + "#/");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("form.login button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who-name"), user + " (" + USERS.get(user) + ")"));
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Overview"));
    }

    private void open(String hash) {
        browser.get(base + hash);
    }

    /** Opens the disclosure of a lifecycle action's form. */
    private void expand(String action) {
        WebElement box = browser.findElement(By.xpath("//details[.//form[@data-action='" + action + "']]"));
        if (box.getDomAttribute("open") == null) {
            box.findElement(By.tagName("summary")).click();
        }
        wait.until(ExpectedConditions.visibilityOf(box.findElement(By.tagName("form"))));
    }

    /** The status /api/controls reports for each control. */
    private Map<String, String> statuses() {
        return admin.list("api/controls").stream().collect(Collectors.toMap(c -> c.getString("id"), c -> c.getString("status"),
                (a, b) -> a, LinkedHashMap::new));
    }

    /** A nonconformity of the sample host that may be acknowledged now, the n-th such. */
    private long actionable(int n) {
        List<JsonObject> open = admin.list("api/nonconformities?asset=" + SAMPLE + "&status=open,reopened&sort=id&order=asc").stream()
                .filter(nc -> nc.getJsonArray("allowedActions").getValuesAs(jakarta.json.JsonString::getString).contains("acknowledge"))
                .toList();
        assertThat(open).as("open nonconformities of " + SAMPLE).hasSizeGreaterThan(n);
        return open.get(n).getJsonNumber("id").longValue();
    }

    private Object script(String source) {
        return ((JavascriptExecutor) browser).executeScript(source);
    }

    /** axe-core, run in the page: no serious or critical violation. */
    private void accessible(String page) {
        if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object'"))) {
            script(axeSource());
        }
        Object violations = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))),
                  e => done('axe failed: ' + e));""");
        assertThat(violations).as("serious or critical accessibility violations on " + page).isEqualTo("[]");
        CHECKED.put(page, List.of(browser.getCurrentUrl()));
    }

    private static String axeSource() {
        try (InputStream in = ConsoleIT.class.getClassLoader().getResourceAsStream(AXE)) {
            assertThat(in).as(AXE + " on the test class path (org.webjars.npm:axe-core)").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The whole page at 1366 pixels wide (the window grows to the page's height for the picture, then shrinks back). */
    private void screenshot(String name) throws IOException {
        Path folder = Files.createDirectories(target().resolve("console-screenshots"));
        Dimension laptop = browser.manage().window().getSize();
        long height = (Long) script("return Math.ceil(document.documentElement.scrollHeight)");
        browser.manage().window().setSize(new Dimension(laptop.getWidth(), (int) Math.min(4000, Math.max(laptop.getHeight(), height + 100))));
        try {
            Files.move(browser.getScreenshotAs(OutputType.FILE).toPath(), folder.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.manage().window().setSize(laptop);
        }
    }

    private static Path target() {
        return Path.of(System.getProperty("annexa.war")).toAbsolutePath().getParent();
    }

    private static Path work() {
        return target().resolve("console-it");
    }
}
