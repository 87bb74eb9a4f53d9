package io.annexa.ingestion;

import org.apache.camel.spi.Registry;

/**
 * Binds every processor the route files may refer to by name. Configuration kinds are bound from
 * {@link ConfigParsers}; other sources add one line here.
 */
final class SourceBindings {

    private SourceBindings() {
    }

    static void bindAll(Registry registry, SourceContext context) {
        registry.bind("deadLetters", new DeadLetters(context.dataDirectory().resolve("dead-letter"), context.monitor()));
        for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
            registry.bind(kind.bean(), new ConfigFileIngest(kind.source(), context.sink(), context.monitor(), context.maxFileBytes()));
        }
        // other sources: one line each, below this comment, in alphabetical order
    }
}
