package io.annexa.evidence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One item of an inventory read from an HTTP API (a cloud instance, a bucket, a user), with the fields
 * a mapping file extracted from it.
 *
 * @param kind  what the item is ({@code instance}, {@code bucket}), set by the mapping
 * @param id    the item's identifier within its kind
 */
public record InventoryItem(String asset, String source, String kind, String id, Map<String, String> attributes,
                            Instant observedAt) {

    public InventoryItem {
        asset = AssetNames.normalize(asset);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(observedAt, "observedAt");
    }

    public String getAsset() { return asset; }
    public String getSource() { return source; }
    public String getKind() { return kind; }
    public String getId() { return id; }
    public Map<String, String> getAttributes() { return attributes; }
    public Instant getObservedAt() { return observedAt; }

    /** An attribute's value, or the empty string. */
    public String attribute(String name) {
        return attributes.getOrDefault(name, "");
    }
}
