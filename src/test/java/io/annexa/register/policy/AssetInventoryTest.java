package io.annexa.register.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which inventory entry an asset gets: its exact name first, then the first glob in file order. */
class AssetInventoryTest {

    private static final AssetRecord WEB_GLOB = record("web-*", "web-team", Criticality.MEDIUM);
    private static final AssetRecord WEB_PROD_GLOB = record("web-prod-*", "prod-team", Criticality.CRITICAL);
    private static final AssetRecord WEB_01 = record("web-01", "alice", Criticality.LOW);
    private static final AssetRecord DB_ONE_DIGIT = record("db-?", "dba-team", Criticality.HIGH);

    @TempDir
    Path dir;

    @Test
    void anExactNameBeatsAGlobListedBeforeIt() {
        AssetInventory inventory = new AssetInventory(List.of(WEB_GLOB, WEB_01));
        assertThat(inventory.find("web-01")).contains(WEB_01);
        assertThat(inventory.find("web-02")).contains(WEB_GLOB);
    }

    @Test
    void amongGlobsTheFirstInFileOrderWins() {
        assertThat(new AssetInventory(List.of(WEB_PROD_GLOB, WEB_GLOB)).find("web-prod-7")).contains(WEB_PROD_GLOB);
        assertThat(new AssetInventory(List.of(WEB_GLOB, WEB_PROD_GLOB)).find("web-prod-7")).contains(WEB_GLOB);
    }

    @Test
    void anAssetIsFoundInAnySpellingAssetNamesAccepts() {
        AssetInventory inventory = new AssetInventory(List.of(WEB_01, WEB_GLOB));
        assertThat(inventory.find("WEB-01.")).contains(WEB_01);
        assertThat(inventory.find(" Web-09 ")).contains(WEB_GLOB);
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        AssetInventory inventory = new AssetInventory(List.of(DB_ONE_DIGIT));
        assertThat(inventory.find("db-1")).contains(DB_ONE_DIGIT);
        assertThat(inventory.find("db-12")).isEmpty();
    }

    @Test
    void anUnlistedOrInvalidAssetIsNotFound() {
        AssetInventory inventory = new AssetInventory(List.of(WEB_01, WEB_GLOB));
        assertThat(inventory.find("db-01")).isEmpty();
        assertThat(inventory.find("web/../etc")).isEmpty();
        assertThat(inventory.find("")).isEmpty();
        assertThat(inventory.find(null)).isEmpty();
        assertThat(AssetInventory.empty().find("web-01")).isEmpty();
    }

    /** The inventory compiles its globs once; a record on its own goes through PathGlob. Both must agree. */
    @Test
    void theInventoryAndEachRecordAgreeOnWhatMatches() {
        List<AssetRecord> records = List.of(WEB_PROD_GLOB, WEB_GLOB, WEB_01, DB_ONE_DIGIT, record("*.corp", "it", Criticality.LOW));
        AssetInventory inventory = new AssetInventory(records);
        for (String asset : List.of("web-01", "web-prod-1", "web-", "db-1", "db-10", "mail.corp", "corp", "x.corp.example", "WEB-01")) {
            assertThat(inventory.find(asset)).as(asset)
                    .isEqualTo(records.stream().filter(r -> r.matches(asset) && !r.isGlob()).findFirst()
                            .or(() -> records.stream().filter(r -> r.matches(asset)).findFirst()));
        }
    }

    @Test
    void precedenceHoldsForAFileReadFromDisk() throws Exception {
        Path file = Files.writeString(dir.resolve("assets.yml"), """
                assets:
                  - {match: "web-prod-*", owner: prod-team, criticality: critical}
                  - {match: "web-*", owner: web-team, criticality: medium}
                  - {name: web-prod-03, owner: alice, criticality: low}
                """);
        AssetInventory inventory = AssetInventoryReader.read(file);
        assertThat(inventory.find("web-prod-03")).map(AssetRecord::owner).contains("alice");
        assertThat(inventory.find("web-prod-04")).map(AssetRecord::owner).contains("prod-team");
        assertThat(inventory.find("web-test-01")).map(AssetRecord::owner).contains("web-team");
        assertThat(inventory.records()).extracting(AssetRecord::pattern).containsExactly("web-prod-*", "web-*", "web-prod-03");
    }

    private static AssetRecord record(String pattern, String owner, Criticality criticality) {
        return new AssetRecord(pattern, owner, criticality, null, null, false);
    }
}
