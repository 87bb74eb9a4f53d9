package io.annexa.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.BaselineValue;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.SourceSilent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Records come from the network: whatever their value, decoding either gives the facts a codec wrote or refuses with an
 * {@link EvidenceCodecException} that names the field at fault, and nothing else.
 */
class EvidenceCodecHostileInputTest {

    private static final int LIMIT = 64 * 1024;
    private static final EvidenceCodec CODEC = new EvidenceCodec(LIMIT);
    private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");

    private static final String ENTRY = """
            {"type":"ConfigEntry","asset":"web-01","source":"sshd_config","file":"/etc/ssh/sshd_config","line":14,\
            "key":"PermitRootLogin","value":"no","scope":"","observedAt":"2026-06-01T00:00:00Z"}""";
    private static final String EVENT = """
            {"type":"LogEvent","asset":"web-01","timestamp":"2026-06-01T00:00:00Z","program":"sshd","kind":"auth_failure",\
            "attributes":{"user":"root","source_ip":"203.0.113.7"},"raw":"Failed password for root","repeat":1}""";

    @Test
    void theTemplatesAreValidRecords() throws Exception {
        assertThat(CODEC.decode(facts(ENTRY).getBytes(UTF_8))).isEqualTo(new Decoded.Facts(List.of(
                new ConfigEntry("web-01", "sshd_config", "/etc/ssh/sshd_config", 14, "PermitRootLogin", "no", "", AT))));
        assertThat(CODEC.decode(events(EVENT).getBytes(UTF_8))).isEqualTo(new Decoded.Events(List.of(new LogEvent("web-01", AT, "sshd",
                "auth_failure", Map.of("user", "root", "source_ip", "203.0.113.7"), "Failed password for root"))));
    }

    // ---------------------------------------------------------------- the envelope

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "empty                     | ``                                          | (record) | expected a record",
        "not JSON                  | `garbage`                                   | (record) | is not a record",
        "null                      | `null`                                      | (record) | expected a record (a JSON object), found null",
        "an array                  | `[]`                                        | (record) | found an array",
        "a string                  | `\"facts\"`                                 | (record) | found a string",
        "no version                | `{\"kind\":\"facts\",\"facts\":[]}`         | kind     | expected the field 'v' here",
        "version as text           | `{\"v\":\"1\",\"kind\":\"facts\"}`          | v        | expected a whole number, found a string",
        "version 2                 | `{\"v\":2,\"kind\":\"facts\",\"facts\":[]}` | v        | format version 2 is not known; this Annexa reads version 1",
        "version beyond int        | `{\"v\":99999999999999,\"kind\":\"x\"}`     | v        | out of range",
        "version decimal           | `{\"v\":1.0,\"kind\":\"facts\"}`            | v        | found a decimal number",
        "unknown kind              | `{\"v\":1,\"kind\":\"withdraw\"}`           | kind     | 'withdraw' is no kind of record",
        "facts an object           | `{\"v\":1,\"kind\":\"facts\",\"facts\":{}}` | facts    | expected an array of facts, found an object",
        "wrong list name           | `{\"v\":1,\"kind\":\"facts\",\"events\":[]}`| events   | expected the field 'facts' here",
        "truncated                 | `{\"v\":1,\"kind\":\"facts\",\"facts\":[`   | facts    | is not a record",
        "more after the end        | `{\"v\":1,\"kind\":\"facts\",\"facts\":[]} {}` | (record) | goes on after its end",
        "garbage after the end     | `{\"v\":1,\"kind\":\"facts\",\"facts\":[]}xyz` | (record) | is not a record",
        "extra envelope field      | `{\"v\":1,\"kind\":\"facts\",\"facts\":[],\"x\":1}` | x  | expected the end of the record",
        "duplicate version         | `{\"v\":1,\"v\":1}`                         | v        | Duplicate field 'v'",
        "a fact that is a number   | `{\"v\":1,\"kind\":\"facts\",\"facts\":[7]}` | facts[0] | expected a fact (an object), found a whole number",
    })
    void aValueThatIsNoRecordIsRefusedNamingWhere(String what, String json, String field, String problem) {
        assertRefused(json, field, problem);
    }

    @Test
    void aTombstoneIsNoValueToDecode() {
        assertThatThrownBy(() -> CODEC.decode(null)).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).startsWith("(record): has no value"));
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] value = facts(ENTRY.replace("PermitRootLogin", "Permit__RootLogin")).getBytes(UTF_8);
        int at = new String(value, UTF_8).indexOf("__");
        value[at] = (byte) 0xC3;
        value[at + 1] = (byte) 0x28;
        assertThatThrownBy(() -> CODEC.decode(value)).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).startsWith("facts[0].key: is not a record: Invalid UTF-8"));
    }

    // ---------------------------------------------------------------- facts

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "line as text            | `\"line\":14`                     | `\"line\":\"14\"`                     | facts[0].line       | expected a whole number, found a string",
        "line decimal            | `\"line\":14`                     | `\"line\":14.5`                       | facts[0].line       | expected a whole number, found a decimal number",
        "line beyond 32 bits     | `\"line\":14`                     | `\"line\":4294967296`                 | facts[0].line       | out of range",
        "line of 40 digits       | `\"line\":14`                     | `\"line\":1234567890123456789012345678901234567890` | facts[0].line | is not a record: Number value length",
        "value a number          | `\"value\":\"no\"`                | `\"value\":0`                         | facts[0].value      | expected a string, found a whole number",
        "value null              | `\"value\":\"no\"`                | `\"value\":null`                      | facts[0].value      | expected a string, found null",
        "value an object         | `\"value\":\"no\"`                | `\"value\":{\"a\":\"b\"}`             | facts[0].value      | expected a string, found an object",
        "value missing           | `\"value\":\"no\",`               | ``                                    | facts[0].value      | missing; a ConfigEntry needs it",
        "time not a time         | `\"2026-06-01T00:00:00Z\"`        | `\"yesterday\"`                       | facts[0].observedAt | 'yesterday' is not an ISO-8601 instant",
        "asset not an asset name | `\"asset\":\"web-01\"`            | `\"asset\":\"web/../01\"`             | facts[0].asset      | is not a valid asset name",
        "unknown field           | `\"scope\":\"\"`                  | `\"scope\":\"\",\"extra\":1`          | facts[0].extra      | a ConfigEntry has no such field",
        "field twice             | `\"scope\":\"\"`                  | `\"scope\":\"\",\"scope\":\"x\"`      | facts[0].scope      | Duplicate field 'scope'",
        "type not first          | `{\"type\":\"ConfigEntry\",`      | `{\"asset\":\"web-01\",\"type\":\"ConfigEntry\",` | facts[0].asset | expected the field 'type' here",
        "unknown type            | `\"type\":\"ConfigEntry\"`        | `\"type\":\"BaselineValue\"`          | facts[0].type       | 'BaselineValue' is not a type of fact records carry",
        "a class name as type    | `\"type\":\"ConfigEntry\"`        | `\"type\":\"io.annexa.evidence.ConfigEntry\"` | facts[0].type | is not a type of fact records carry",
        "type null               | `\"type\":\"ConfigEntry\"`        | `\"type\":null`                       | facts[0].type       | expected a string, found null",
        "deep nesting in a value | `\"value\":\"no\"`                | `\"value\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]` | facts[0].value | expected a string, found an array",
    })
    void aFactOfTheWrongShapeIsRefusedNamingItsField(String what, String from, String to, String field, String problem) {
        assertThat(ENTRY).contains(from);
        assertRefused(facts(ENTRY, ENTRY.replace(from, to)).replace("\"facts\":[" + ENTRY + ",", "\"facts\":["), field, problem);
        // the second fact is where the first was: the index is the bad fact's own
        assertRefused(facts(ENTRY, ENTRY.replace(from, to)), field.replace("facts[0]", "facts[1]"), problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "repeat zero            | `\"repeat\":1`                     | `\"repeat\":0`                        | events[0]            | a LogEvent refuses these fields: repeat count must be at least 1",
        "attribute not a string | `\"user\":\"root\"`                | `\"user\":[\"root\"]`                 | events[0].attributes.user | expected a string, found an array",
        "attributes an array    | `{\"user\":\"root\",\"source_ip\":\"203.0.113.7\"}` | `[]`                 | events[0].attributes | expected an object of strings, found an array",
        "attribute twice        | `\"source_ip\":\"203.0.113.7\"`    | `\"user\":\"admin\"`                  | events[0].attributes.user | Duplicate field 'user'",
        "deeply nested attribute| `\"user\":\"root\"`                | `\"user\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}` | events[0].attributes.user | expected a string, found an object",
        "a fact among events    | `\"type\":\"LogEvent\"`            | `\"type\":\"ConfigEntry\"`            | events[0].type       | a ConfigEntry is no event",
    })
    void anEventOfTheWrongShapeIsRefusedNamingItsField(String what, String from, String to, String field, String problem) {
        assertThat(EVENT).contains(from);
        assertRefused(events(EVENT.replace(from, to)), field, problem);
    }

    @Test
    void anEventAmongFactsIsRefused() {
        assertRefused(facts(EVENT), "facts[0].type", "a LogEvent is an event; it goes to events()");
    }

    @Test
    void deepNestingIsRefusedWhereverItIs() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertRefused("{\"v\":1,\"kind\":\"facts\",\"facts\":" + deep + "}", "facts[0]", "expected a fact (an object), found an array");
        assertRefused("{\"v\":" + deep + "}", "v", "expected a whole number, found an array");
        assertRefused(deep, "(record)", "expected a record (a JSON object), found an array");
    }

    @Test
    void aHugeArrayOfNothingUsefulIsRefusedAtItsFirstElement() {
        String numbers = "0,".repeat(20_000) + "0";
        assertRefused("{\"v\":1,\"kind\":\"facts\",\"facts\":[" + numbers + "]}", "facts[0]", "expected a fact (an object)");
        String emptyObjects = "{},".repeat(10_000) + "{}";
        assertRefused("{\"v\":1,\"kind\":\"facts\",\"facts\":[" + emptyObjects + "]}", "facts[0]",
                "expected the field 'type' here, found the end of an object");
    }

    @Test
    void aValueLargerThanTheLimitIsRefusedUnread() {
        String huge = ENTRY.replace("\"value\":\"no\"", "\"value\":\"" + "x".repeat(LIMIT) + "\"");
        byte[] value = facts(huge).getBytes(UTF_8);
        assertThatThrownBy(() -> CODEC.decode(value)).isInstanceOfSatisfying(EvidenceCodecException.class, e -> {
            assertThat(e.field()).isEqualTo("(record)");
            assertThat(e.getMessage()).contains(value.length + " bytes, more than the limit of " + LIMIT);
        });
    }

    // ---------------------------------------------------------------- snapshots

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "asset not an asset name | `\"asset\":\"web-01\",\"origin\"`   | `\"asset\":\"web 01\",\"origin\"`  | asset                | is not a valid asset name",
        "origin empty            | `\"origin\":\"hosts\",\"evidence\"` | `\"origin\":\" \",\"evidence\"`    | origin               | is empty; a snapshot needs the origin",
        "key of another origin   | `\"origin\":\"hosts/pam.d\"`        | `\"origin\":\"other\"`             | evidence[0].origin   | 'other' is neither the snapshot's origin 'hosts' nor below it",
        "key of an origin's twin | `\"origin\":\"hosts/pam.d\"`        | `\"origin\":\"hostsx\"`            | evidence[0].origin   | 'hostsx' is neither",
        "source missing          | `{\"source\":\"pam.d\",`            | `{`                                | evidence[1].origin   | expected the field 'source' here",
        "key twice               | `\"source\":\"pam.d\",\"origin\":\"hosts/pam.d\"` | `\"source\":\"sshd_config\",\"origin\":\"hosts\"` | evidence[1]          | comes twice in the snapshot",
    })
    void aSnapshotOfTheWrongShapeIsRefusedNamingItsField(String what, String from, String to, String field, String problem) {
        String snapshot = """
                {"v":1,"kind":"snapshot","asset":"web-01","origin":"hosts","evidence":[\
                {"source":"sshd_config","origin":"hosts","facts":[%s]},\
                {"source":"pam.d","origin":"hosts/pam.d","facts":[]}]}""".formatted(ENTRY);
        assertThat(snapshot).contains(from);
        String changed = what.startsWith("key of") ? snapshot.replaceFirst("\"origin\":\"hosts\",\"facts\"", to + ",\"facts\"")
                : snapshot.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        assertRefused(changed, field, problem);
    }

    // ---------------------------------------------------------------- what is not encoded

    @Test
    void factsOfATypeRecordsDoNotCarryAreNotEncoded() {
        BaselineValue baseline = new BaselineValue("sshd_config", "PermitRootLogin", "no", List.of(), "", "config/baseline.yml:3");
        assertThatThrownBy(() -> CODEC.facts(List.of(entry("no"), baseline))).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).startsWith("facts[1]: io.annexa.evidence.BaselineValue is not a type of fact records carry; "
                        + "they carry ConfigFile, ConfigEntry, UnresolvedInclude, CheckResult, Account, InventoryItem, TlsEndpoint, "
                        + "CollectionFailed, SourceSilent, LogEvent"));
        assertThatThrownBy(() -> CODEC.facts(Arrays.asList(entry("no"), null))).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).isEqualTo("facts[1]: is null"));
        assertThatThrownBy(() -> CODEC.events(List.of(entry("no")))).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).startsWith("events[0]: a ConfigEntry is no event"));
    }

    @Test
    void aFactMissingWhatItsTypeNeedsIsNotEncoded() {
        SourceSilent silent = new SourceSilent(null, "sshd_config", Duration.ofHours(1), null, AT);
        assertThatThrownBy(() -> CODEC.facts(List.of(silent))).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).isEqualTo("facts[0].routeId: is null, and a SourceSilent needs it"));
    }

    @Test
    void aSnapshotWithAKeyOfAnotherAssetOrOriginIsNotEncoded() {
        Map<EvidenceKey, List<Object>> other = Map.of(new EvidenceKey("sshd_config", "db-01", "hosts"), List.of());
        assertThatThrownBy(() -> CODEC.snapshot("web-01", "hosts", other)).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.getMessage()).startsWith("evidence[0]: the key EvidenceKey[source=sshd_config, asset=db-01, origin=hosts]"
                        + " is not of the snapshot of web-01 from hosts"));
        assertThatThrownBy(() -> CODEC.snapshot("web 01", "hosts", Map.of())).isInstanceOfSatisfying(EvidenceCodecException.class,
                e -> assertThat(e.field()).isEqualTo("asset"));
    }

    @Test
    void aReadLargerThanTheLimitIsNotEncodedAndTheMessageSaysWhereItOverflowed() {
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            entries.add(entry("value number " + i));
        }
        assertThatThrownBy(() -> CODEC.facts(entries)).isInstanceOfSatisfying(EvidenceCodecException.class, e -> {
            assertThat(e.field()).matches("facts\\[\\d+\\].*");
            assertThat(e.getMessage()).contains("the record grows larger than the limit of " + LIMIT + " bytes");
        });
    }

    // ---------------------------------------------------------------- anything at all

    /** Every cut and many random corruptions of real records: decoded, or refused by the codec's own exception. */
    @Test
    void truncatedAndCorruptedRecordsAreDecodedOrRefusedNeverAnythingElse() throws Exception {
        List<byte[]> records = List.of(
                CODEC.facts(List.of(entry("no"), entry("yes"))),
                CODEC.events(List.of(new LogEvent("web-01", AT, "sshd", "auth_failure", Map.of("user", "root"), "raw line", 3))),
                CODEC.snapshot("web-01", "hosts", Map.of(new EvidenceKey("sshd_config", "web-01", "hosts/part"), List.of(entry("no")))));
        int refused = 0;
        for (byte[] record : records) {
            for (int length = 0; length < record.length; length++) {
                refused += decodedOrRefused(Arrays.copyOf(record, length)) ? 0 : 1;
            }
        }
        assertThat(refused).as("every cut short record is refused").isEqualTo(records.stream().mapToInt(r -> r.length).sum());

        Random random = new Random(20261205);
        byte[] interesting = "{}[]\",:0-.eE\\u\u00ff\u0000 ntf".getBytes(UTF_8);
        for (int round = 0; round < 20_000; round++) {
            byte[] record = records.get(random.nextInt(records.size())).clone();
            for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
                record[random.nextInt(record.length)] = random.nextBoolean()
                        ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
            }
            decodedOrRefused(record);
        }
        for (int round = 0; round < 2_000; round++) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            decodedOrRefused(noise);
        }
    }

    /** @return true when decoded; false when refused with a field named; fails the test on any other outcome */
    private static boolean decodedOrRefused(byte[] value) {
        try {
            assertThat(CODEC.decode(value)).isNotNull();
            return true;
        } catch (EvidenceCodecException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).startsWith(e.field() + ": ");
            return false;
        } catch (Throwable other) {
            throw new AssertionError("decoding " + new String(value, UTF_8) + " threw " + other, other);
        }
    }

    private static ConfigEntry entry(String value) {
        return new ConfigEntry("web-01", "sshd_config", "/etc/ssh/sshd_config", 14, "PermitRootLogin", value, "", AT);
    }

    private static String facts(String... facts) {
        return "{\"v\":1,\"kind\":\"facts\",\"facts\":[" + String.join(",", facts) + "]}";
    }

    private static String events(String... events) {
        return "{\"v\":1,\"kind\":\"events\",\"events\":[" + String.join(",", events) + "]}";
    }

    private static void assertRefused(String json, String field, String problem) {
        assertThatThrownBy(() -> CODEC.decode(json.getBytes(UTF_8))).isInstanceOfSatisfying(EvidenceCodecException.class, e -> {
            assertThat(e.getMessage()).contains(problem);
            assertThat(e.field()).isEqualTo(field);
        });
    }
}
