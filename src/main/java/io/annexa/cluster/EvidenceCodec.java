package io.annexa.cluster;

import static io.annexa.cluster.EvidenceCodecException.shown;
import static io.annexa.cluster.JsonPaths.RECORD;
import static io.annexa.cluster.JsonPaths.describe;
import static io.annexa.cluster.JsonPaths.expect;
import static io.annexa.cluster.JsonPaths.expectField;
import static io.annexa.cluster.JsonPaths.refused;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidAssetNameException;
import io.annexa.evidence.SnapshotKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of cluster mode's Kafka records: what a source hands to an {@link io.annexa.evidence.EvidenceSink}, as
 * JSON, and back. A record's value is the argument of one sink call; its key is the evidence key
 * ({@link #recordKey}); a record without a value (a tombstone) is a withdrawal.
 *
 * <pre>
 * {"v":1,"kind":"facts","facts":[{"type":"ConfigEntry","asset":"web-01",...},...]}
 * {"v":1,"kind":"snapshot","asset":"web-01","origin":"hosts","evidence":[{"source":"sshd_config","origin":"hosts","facts":[...]},...]}
 * {"v":1,"kind":"events","events":[{"type":"LogEvent",...},...]}
 * </pre>
 *
 * <p>Records come from the network, so decoding trusts nothing: the version comes first and only version
 * {@value #FORMAT_VERSION} is read; the envelope's fields come in the order shown; a fact names its type first, from
 * the closed list in {@link FactTypes} (never a class name), and is made by that type's own constructor, so its checks
 * and its string sharing apply; a field of the wrong shape, an unknown or repeated field, a value larger than the
 * limit or nested deeper than the format ever is, is refused with an {@link EvidenceCodecException} naming the field.
 * No other exception leaves {@link #decode}.
 *
 * <p>Thread-safe; one instance serves every producer and consumer. Streaming (no data binding), so a batch of events is
 * written and read without a tree in between.
 */
public final class EvidenceCodec {

    /** The format written, and the only one read. A record of another version is refused, not guessed at. */
    public static final int FORMAT_VERSION = 1;

    /** The deepest a record goes is 6 (record, evidence, key, facts, fact, attributes); deeper is not a record. */
    private static final int MAX_NESTING = 8;

    private final int maxRecordBytes;
    private final JsonFactory json;

    /** @param maxRecordBytes the largest value encoded or decoded, in bytes (Kafka's max.message.bytes or below) */
    public EvidenceCodec(int maxRecordBytes) {
        if (maxRecordBytes < 64) {
            throw new IllegalArgumentException("a record limit of " + maxRecordBytes + " bytes is too small for any record");
        }
        this.maxRecordBytes = maxRecordBytes;
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxRecordBytes)
                        .maxStringLength(maxRecordBytes)
                        .maxNameLength(Math.min(maxRecordBytes, 4096))
                        .maxNumberLength(32)
                        .maxNestingDepth(MAX_NESTING)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // names are shared per factory without String.intern: the JVM's intern table is no place for input
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The value of a {@code replace(key, facts)}. */
    public byte[] facts(List<?> facts) throws EvidenceCodecException {
        return write("facts", out -> {
            out.writeFieldName("facts");
            writeFacts(out, facts, "facts", false);
        });
    }

    /** The value of a {@code replaceSnapshot(asset, origin, evidence)}; every key must be of the snapshot. */
    public byte[] snapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) throws EvidenceCodecException {
        String name;
        try {
            name = AssetNames.validate("asset", asset);
        } catch (InvalidAssetNameException e) {
            throw new EvidenceCodecException("asset", e.getMessage());
        }
        if (origin == null || origin.isBlank()) {
            throw new EvidenceCodecException("origin", "missing; a snapshot needs the origin that delivers it");
        }
        if (evidence == null) {
            throw new EvidenceCodecException("evidence", "missing");
        }
        return write("snapshot", out -> {
            out.writeStringField("asset", name);
            out.writeStringField("origin", origin);
            out.writeArrayFieldStart("evidence");
            int index = 0;
            for (Map.Entry<EvidenceKey, List<Object>> entry : evidence.entrySet()) {
                String where = "evidence[" + index++ + "]";
                EvidenceKey key = entry.getKey();
                if (key == null || key.source() == null || key.origin() == null) {
                    throw new EvidenceCodecException(where, "an evidence key needs a source and an origin: " + key);
                }
                if (!SnapshotKeys.belongs(key, name, origin)) {
                    throw new EvidenceCodecException(where, "the key " + key + " is not of the snapshot of " + name + " from " + origin);
                }
                out.writeStartObject();
                out.writeStringField("source", key.source());
                out.writeStringField("origin", key.origin());
                out.writeFieldName("facts");
                writeFacts(out, entry.getValue(), where + ".facts", false);
                out.writeEndObject();
            }
            out.writeEndArray();
        });
    }

    /** The value of an {@code events(events)}: a batch of {@link io.annexa.evidence.LogEvent}s. */
    public byte[] events(List<?> events) throws EvidenceCodecException {
        return write("events", out -> {
            out.writeFieldName("events");
            writeFacts(out, events, "events", true);
        });
    }

    /** What a record's value says; refused, naming the field at fault, when it is not a record this codec wrote. */
    public Decoded decode(byte[] value) throws EvidenceCodecException {
        if (value == null) {
            throw new EvidenceCodecException(RECORD, "has no value; a record without one (a tombstone) withdraws its key");
        }
        if (value.length > maxRecordBytes) {
            throw new EvidenceCodecException(RECORD, "is " + value.length + " bytes, more than the limit of " + maxRecordBytes);
        }
        JsonParser in = null;
        try {
            in = json.createParser(value);
            expect(in, JsonToken.START_OBJECT, "a record (a JSON object)");
            expectField(in, "v");
            int version = (Integer) next(in, FieldKind.WHOLE_NUMBER);
            if (version != FORMAT_VERSION) {
                throw refused(in, "format version " + version + " is not known; this Annexa reads version " + FORMAT_VERSION);
            }
            expectField(in, "kind");
            String kind = (String) next(in, FieldKind.TEXT);
            Decoded decoded = switch (kind) {
                case "facts" -> new Decoded.Facts(readFacts(in, "facts", false));
                case "snapshot" -> readSnapshot(in);
                case "events" -> new Decoded.Events(readFacts(in, "events", true));
                default -> throw refused(in, shown(kind) + " is no kind of record; the kinds are facts, snapshot and events");
            };
            expect(in, JsonToken.END_OBJECT, "the end of the record");
            if (in.nextToken() != null) {
                throw new EvidenceCodecException(RECORD, "goes on after its end");
            }
            return decoded;
        } catch (JsonProcessingException e) {
            throw new EvidenceCodecException(where(in), "is not a record: " + AssetNames.shown(e.getOriginalMessage(), 200));
        } catch (IOException | RuntimeException e) {
            // nothing else is expected to escape the reading above; should it, it is still a refusal of this record
            throw new EvidenceCodecException(where(in), "cannot be read: " + AssetNames.shown(String.valueOf(e), 200));
        } finally {
            close(in);
        }
    }

    /** The key of the compacted topic's record for {@code key}: {@code asset|source|origin}, see {@link RecordKeys}. */
    public static String recordKey(EvidenceKey key) {
        return RecordKeys.of(key);
    }

    /** The evidence key a record key stands for; refused when it is not one {@link #recordKey} writes. */
    public static EvidenceKey evidenceKey(String recordKey) throws EvidenceCodecException {
        return RecordKeys.parse(recordKey);
    }

    // ---------------------------------------------------------------- writing

    private interface Body {
        void write(JsonGenerator out) throws IOException, EvidenceCodecException;
    }

    private byte[] write(String kind, Body body) throws EvidenceCodecException {
        LimitedBuffer buffer = new LimitedBuffer(maxRecordBytes);
        JsonGenerator out = null;
        try {
            out = json.createGenerator(buffer, JsonEncoding.UTF8);
            out.writeStartObject();
            out.writeNumberField("v", FORMAT_VERSION);
            out.writeStringField("kind", kind);
            body.write(out);
            out.writeEndObject();
            out.close();
        } catch (LimitedBuffer.Full e) {
            throw new EvidenceCodecException(out == null ? RECORD : JsonPaths.of(out.getOutputContext()),
                    "the record grows larger than the limit of " + maxRecordBytes + " bytes here");
        } catch (IOException e) {
            throw new EvidenceCodecException(out == null ? RECORD : JsonPaths.of(out.getOutputContext()),
                    "cannot be written: " + AssetNames.shown(String.valueOf(e.getMessage()), 200));
        }
        return buffer.toByteArray();
    }

    private static void writeFacts(JsonGenerator out, List<?> facts, String list, boolean events)
            throws IOException, EvidenceCodecException {
        if (facts == null) {
            throw new EvidenceCodecException(list, "missing");
        }
        out.writeStartArray(facts, facts.size());
        int index = 0;
        for (Object fact : facts) {
            if (fact == null) {
                throw new EvidenceCodecException(list + "[" + index + "]", "is null");
            }
            FactType<?> type = FactTypes.of(fact);
            if (type == null) {
                throw new EvidenceCodecException(list + "[" + index + "]", fact.getClass().getName()
                        + " is not a type of fact records carry; they carry " + FactTypes.names());
            }
            if (type.isEvent() != events) {
                throw new EvidenceCodecException(list + "[" + index + "]", misplaced(type, events));
            }
            type.write(out, fact, list, index);
            index++;
        }
        out.writeEndArray();
    }

    private static String misplaced(FactType<?> type, boolean events) {
        return events ? "a " + type.name() + " is no event; events() hands over LogEvents only"
                : "a " + type.name() + " is an event; it goes to events(), not among the facts of a read";
    }

    // ---------------------------------------------------------------- reading

    /** The next value, which must be of {@code kind} and not null. */
    private static Object next(JsonParser in, FieldKind kind) throws IOException, EvidenceCodecException {
        JsonToken token = in.nextToken();
        if (token == null || token == JsonToken.VALUE_NULL) {
            throw refused(in, "expected " + kind.shape() + ", found " + describe(token));
        }
        return kind.read(in);
    }

    /** The field {@code name}: an array of facts (or of events), each made by its type. Unmodifiable. */
    private static List<Object> readFacts(JsonParser in, String name, boolean events) throws IOException, EvidenceCodecException {
        expectField(in, name);
        expect(in, JsonToken.START_ARRAY, "an array of " + (events ? "events" : "facts"));
        List<Object> facts = new ArrayList<>();
        JsonToken token;
        while ((token = in.nextToken()) == JsonToken.START_OBJECT) {
            expectField(in, "type");
            String typeName = (String) next(in, FieldKind.TEXT);
            FactType<?> type = FactTypes.named(typeName);
            if (type == null) {
                throw refused(in, shown(typeName) + " is not a type of fact records carry; they carry " + FactTypes.names());
            }
            if (type.isEvent() != events) {
                throw refused(in, misplaced(type, events));
            }
            facts.add(type.read(in));
        }
        if (token != JsonToken.END_ARRAY) {
            throw refused(in, "expected " + (events ? "an event" : "a fact") + " (an object), found " + describe(token));
        }
        return Collections.unmodifiableList(facts);
    }

    private static Decoded.Snapshot readSnapshot(JsonParser in) throws IOException, EvidenceCodecException {
        expectField(in, "asset");
        String asset;
        try {
            asset = AssetNames.validate("asset", (String) next(in, FieldKind.TEXT));
        } catch (InvalidAssetNameException e) {
            throw refused(in, e.getMessage());
        }
        expectField(in, "origin");
        String origin = (String) next(in, FieldKind.TEXT);
        if (origin.isBlank()) {
            throw refused(in, "is empty; a snapshot needs the origin that delivers it");
        }
        expectField(in, "evidence");
        expect(in, JsonToken.START_ARRAY, "an array of evidence keys with their facts");
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        JsonToken token;
        while ((token = in.nextToken()) == JsonToken.START_OBJECT) {
            expectField(in, "source");
            String source = (String) next(in, FieldKind.TEXT);
            expectField(in, "origin");
            String keyOrigin = (String) next(in, FieldKind.TEXT);
            EvidenceKey key = new EvidenceKey(source, asset, keyOrigin);
            if (!SnapshotKeys.belongs(key, asset, origin)) {
                throw refused(in, shown(keyOrigin) + " is neither the snapshot's origin " + shown(origin) + " nor below it");
            }
            List<Object> facts = readFacts(in, "facts", false);
            expect(in, JsonToken.END_OBJECT, "the end of the evidence key");
            if (evidence.putIfAbsent(key, facts) != null) {
                throw refused(in, "the key " + key + " comes twice in the snapshot");
            }
        }
        if (token != JsonToken.END_ARRAY) {
            throw refused(in, "expected an evidence key with its facts (an object), found " + describe(token));
        }
        return new Decoded.Snapshot(asset, origin, Collections.unmodifiableMap(evidence));
    }

    private static String where(JsonParser in) {
        return in == null ? RECORD : JsonPaths.of(in);
    }

    private static void close(JsonParser in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // a parser over a byte array holds nothing to release
            }
        }
    }
}
