package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.access.Role;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
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
 * A rule author uploads hostile rule code over HTTP to the real Payara Micro: checking it says why it is refused
 * (rule, file and line, what it reached), deploying it is refused with 422, and nothing of it reaches the disk — neither
 * the file its code would create nor its rule folder in the home's rules.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileRuleUploadIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PASSWORD = "upload password 0001";
    private static final String AUTHOR = "upload-rule-author";
    private static final String CONTROL = "technological/c8_05_secure_authentication/";
    private static final String IN_SERVICE = CONTROL + "sshd_root_login_disabled";

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    private AnnexaClient author;
    /** Where this run's files may appear: the temporary folder Payara Micro and this test share. */
    private final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));

    @BeforeEach
    void ruleAuthor() {
        AnnexaClient admin = new AnnexaClient(URI.create(base.toString()));
        await().atMost(DEADLINE).until(admin::healthy);
        AnnexaClient.Reply created = admin.post("api/users",
                "{\"name\":\"" + AUTHOR + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + Role.RULE_AUTHOR.label() + "\"}");
        assertThat(created.status()).as(created.body()).isIn(201, 409);
        author = admin.as(AUTHOR, PASSWORD);
    }

    @Test
    void codeReachingTheFileSystemIsRefusedWhenCheckedAndWhenDeployed() throws IOException {
        String id = "hostile_upload_reaches";
        Path marker = tmp.resolve("hostile-upload-" + System.nanoTime());
        String drl = drl("package " + (CONTROL + id).replace('/', '.') + ";", marker);
        int line = lineOf(drl, "Files.createFile");

        assertRefusedAndNothingWritten(id, drl, marker, "rules/" + CONTROL + id + "/" + id + ".drl:" + line
                + ": error: rule hostile_upload_marker reaches java.nio.file.Path.of(String, String[]) — not allowed in rule code (sandbox)");
    }

    /** The decoy of issue 10: the folder's package in a comment, another one compiled, which the sandbox used to skip. */
    @Test
    void aRuleWhoseRealPackageIsNotItsFoldersIsRefusedWhenCheckedAndWhenDeployed() throws IOException {
        String id = "hostile_upload_package";
        Path marker = tmp.resolve("hostile-upload-" + System.nanoTime());
        String drl = drl("/*\npackage " + (CONTROL + id).replace('/', '.') + ";\n*/\npackage org.example.evil;", marker);
        int line = lineOf(drl, "package org.example.evil");

        assertRefusedAndNothingWritten(id, drl, marker, "rules/" + CONTROL + id + "/" + id + ".drl:" + line
                + ":9: error: rule hostile_upload_marker: package 'org.example.evil' must be the rule folder's path '"
                + (CONTROL + id).replace('/', '.') + "'");
    }

    @Test
    void aRuleInServiceSentUnderAnotherControlIsRefusedBeforeAnythingIsWritten() throws IOException {
        String elsewhere = "technological/c8_09_configuration_management/sshd_root_login_disabled";
        String draft = draft(elsewhere, "id: sshd_root_login_disabled\n", "package x;\n", true);

        AnnexaClient.Reply put = author.put("api/rules/sshd_root_login_disabled", draft);

        assertThat(put.status()).as(put.body()).isEqualTo(422);
        assertThat(problems(put)).containsExactly("path: rule 'sshd_root_login_disabled' exists already in " + IN_SERVICE
                + "; a rule keeps its folder: send it with path '" + IN_SERVICE + "', or remove that folder first");
        assertThat(rulesInService()).allSatisfy(rules -> assertThat(rules.resolve(elsewhere)).doesNotExist());
    }

    @Test
    void aDraftWithoutScenariosIsABadRequest() {
        String draft = draft(CONTROL + "hostile_upload_bare", "id: hostile_upload_bare\n", "package x;\n", false);

        AnnexaClient.Reply validate = author.post("api/rules/validate", draft);
        AnnexaClient.Reply put = author.put("api/rules/hostile_upload_bare", draft);

        assertThat(validate.status()).as(validate.body()).isEqualTo(400);
        assertThat(validate.body()).contains("missing: scenarios");
        assertThat(put.status()).as(put.body()).isEqualTo(400);
    }

    private void assertRefusedAndNothingWritten(String id, String drl, Path marker, String refusal) throws IOException {
        String draft = draft(CONTROL + id, ruleYml(id), drl, true);

        AnnexaClient.Reply validate = author.post("api/rules/validate", draft);
        AnnexaClient.Reply put = author.put("api/rules/" + id, draft);

        assertThat(validate.status()).as(validate.body()).isEqualTo(200);
        assertThat(validate.json().asJsonObject().getBoolean("valid")).isFalse();
        assertThat(problems(validate)).anySatisfy(problem -> assertThat(problem).startsWith(refusal).endsWith("(sandbox)"));
        assertThat(put.status()).as(put.body()).isEqualTo(422);
        assertThat(problems(put)).anySatisfy(problem -> assertThat(problem).startsWith(refusal).endsWith("(sandbox)"));
        assertThat(marker).as("the file the rule's code creates").doesNotExist();
        assertThat(rulesInService()).allSatisfy(rules -> assertThat(rules.resolve(CONTROL + id)).as("the rule folder").doesNotExist());
        assertThat(author.list("api/rules")).extracting(rule -> rule.getString("id")).doesNotContain(id);
    }

    /**
     * The rules folder of the home Annexa runs with: the home bundled in the WAR, unpacked by Payara Micro into the
     * temporary folder (every copy found there, should an earlier run have left one). At least one, or the test would
     * prove nothing.
     */
    private List<Path> rulesInService() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            List<Path> found = files.filter(p -> p.endsWith(Path.of("annexa-home", "rules")))
                    .filter(rules -> Files.isRegularFile(rules.resolve(IN_SERVICE).resolve("rule.yml"))).toList();
            assertThat(found).as("the home's rules folder below " + tmp).isNotEmpty();
            return found;
        }
    }

    private static String drl(String packageLines, Path marker) {
        return packageLines + """

                import io.annexa.evidence.ConfigEntry;

                global io.annexa.evaluation.FindingFactory findings;

                rule "hostile_upload_marker"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value not matches "(?i)no" )
                then
                    try { java.nio.file.Files.createFile(java.nio.file.Path.of("MARKER")); } catch (Exception x) { }
                    insertLogical(findings.of(drools, $e.getAsset(), "root may log in"));
                end
                """.replace("MARKER", marker.toString().replace("\\", "\\\\"));
    }

    private static String ruleYml(String id) {
        return """
                id: ID
                title: Root login over SSH, sent with code that leaves the sandbox
                controls:
                  iso27002:2022: ["8.5"]
                severity: high
                sources: [sshd_config]
                rationale: Shows that uploaded rule code cannot reach the host.
                remediation: None.
                """.replace("ID", id);
    }

    private static String draft(String path, String ruleYml, String drl, boolean withScenarios) {
        var body = Json.createObjectBuilder().add("path", path).add("ruleYml", ruleYml).add("drl", drl);
        if (withScenarios) {
            body.add("scenarios", Json.createObjectBuilder()
                    .add("root_no.pass.sshd_config", "PermitRootLogin no\n")
                    .add("root_yes.fail.sshd_config", "PermitRootLogin yes\n"));
        }
        return body.build().toString();
    }

    private static List<String> problems(AnnexaClient.Reply reply) {
        JsonObject body = reply.json().asJsonObject();
        return body.getJsonArray("problems").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static int lineOf(String text, String fragment) {
        List<String> lines = Arrays.asList(text.split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError(fragment + " not in " + text);
    }
}
