package io.annexa.ingestion.http;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.InventoryItem;
import io.annexa.evidence.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one JSON document becomes {@link InventoryItem} facts, as a mapping file says (see
 * {@link InventoryMappingReader} for the format).
 *
 * @param file       the mapping file, for complaints
 * @param source     {@link InventoryItem#getSource()} of every item, and the evidence key's source
 * @param items      selects the items in the document; every other path is relative to one item
 * @param attributes attribute name to the path of its value; insertion order is the file's
 */
public record InventoryMapping(String file, String source, JsonSelector items, ItemValue kind, JsonSelector id, ItemValue asset,
                               Map<String, JsonSelector> attributes) {

    /** A field that is either the same for every item, or selected from each item. */
    public record ItemValue(String constant, JsonSelector path) {

        public static ItemValue constant(String value) {
            return new ItemValue(value, null);
        }

        public static ItemValue selected(JsonSelector path) {
            return new ItemValue(null, path);
        }

        String of(Object item, String field) throws ItemSkipped {
            return constant != null ? constant : required(item, path, field);
        }
    }

    /** The items of one document, and why the others were left out. */
    public record Extraction(List<InventoryItem> items, List<String> skipped) {
    }

    /** An item the mapping cannot turn into a fact; the other items still count. */
    static final class ItemSkipped extends Exception {
        ItemSkipped(String reason) {
            super(reason, null, false, false);
        }
    }

    public InventoryMapping {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * @param label what the document is (the URL it came from), for complaints
     * @throws InvalidInputException when the items path selects nothing at all: the document is not what
     *                               the mapping expects, which is not the same as an empty inventory
     */
    public Extraction extract(Object document, Instant observedAt, String label) throws InvalidInputException {
        List<InventoryItem> mapped = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<?> selected = select(document, label);
        for (int index = 0; index < selected.size(); index++) {
            try {
                mapped.add(item(selected.get(index), observedAt));
            } catch (ItemSkipped e) {
                skipped.add("item [" + index + "] of " + items + ": " + e.getMessage());
            }
        }
        return new Extraction(List.copyOf(mapped), List.copyOf(skipped));
    }

    private List<?> select(Object document, String label) throws InvalidInputException {
        Object selected = items.in(document).orElseThrow(() -> new InvalidInputException(label, 0,
                "the items path " + items + " of mapping " + file + " selects nothing in this document"));
        if (selected instanceof List<?> list) {
            return list;
        }
        if (selected instanceof Map<?, ?>) {
            return List.of(selected);
        }
        throw new InvalidInputException(label, 0, "the items path " + items + " of mapping " + file
                + " selects the value '" + selected + "', not objects");
    }

    private InventoryItem item(Object item, Instant observedAt) throws ItemSkipped {
        String itemId = required(item, id, "id");
        String itemKind = kind.of(item, "kind");
        String assetName = asset.of(item, "asset");
        String normalized;
        try {
            normalized = AssetNames.validate("asset", assetName);
        } catch (IllegalArgumentException e) {
            throw new ItemSkipped(e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonSelector> attribute : attributes.entrySet()) {
            // an absent attribute is information ("no public IP"), not a broken item
            attribute.getValue().in(item).ifPresent(v -> values.put(attribute.getKey(), JsonDocuments.text(v)));
        }
        return new InventoryItem(normalized, source, itemKind, itemId, values, observedAt);
    }

    private static String required(Object item, JsonSelector path, String field) throws ItemSkipped {
        Optional<Object> value = path.in(item);
        if (value.isEmpty()) {
            throw new ItemSkipped(field + " path " + path + " selects nothing");
        }
        String text = JsonDocuments.scalar(value.get()).orElseThrow(() -> new ItemSkipped(field + " path " + path
                + " selects " + JsonDocuments.text(value.get()) + ", not a single value"));
        if (text.isBlank()) {
            throw new ItemSkipped(field + " path " + path + " selects an empty value");
        }
        return text.strip();
    }
}
