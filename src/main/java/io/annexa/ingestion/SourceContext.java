package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import io.annexa.control.ControlCatalog;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a source's processors may use: where to hand facts over, the counters, the data directory
 * (for offsets and state), the settings, and the control catalog (to translate references).
 */
public record SourceContext(EvidenceSink sink, SourceMonitor monitor, Path dataDirectory,
                            Function<String, Optional<String>> settings, ControlCatalog catalog, long maxFileBytes) {

    public Optional<String> setting(String key) {
        return settings.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }
}
