package io.annexa.ingestion.http;

import io.annexa.ProjectFiles;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.InventoryItem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Inventory items made the way the http-inventory route makes them: an answer, the shipped mapping. For other packages' tests. */
public final class InventorySamples {

    private InventorySamples() {
    }

    /** The items the shipped {@code integrations/mappings/cloud-inventory.yml} extracts from {@code answer}. */
    public static List<InventoryItem> fromShippedMapping(String answer, Instant observedAt) throws InvalidInputException {
        InventoryMapping mapping = InventoryMappingReader.read(ProjectFiles.integrations().resolve("mappings/cloud-inventory.yml"));
        String label = "http://inventory.test/api";
        return mapping.extract(JsonDocuments.parse(answer.getBytes(StandardCharsets.UTF_8), label), observedAt, label).items();
    }
}
