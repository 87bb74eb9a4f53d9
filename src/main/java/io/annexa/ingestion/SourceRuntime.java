package io.annexa.ingestion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The Camel side of Annexa: one {@link CamelContext} running every {@code *.camel.yaml} route of the
 * home's {@code integrations/} folder. Routes refer to Annexa's processors by name
 * ({@code sshdConfigIngest}, {@code deadLetters}) and to settings by {@code {{placeholder}}}, which
 * resolve against the same configuration as the rest of Annexa.
 */
public final class SourceRuntime implements AutoCloseable {

    /** One route as the API shows it. */
    public record RouteStatus(String routeId, String state, SourceMonitor.Counters counters, String endpoint) {
    }

    private final CamelContext camel = new DefaultCamelContext();
    private final SourceMonitor monitor;

    /**
     * @param integrations folder of {@code *.camel.yaml} route files
     * @param fixed        properties computed at start-up (absolute data directory, host name), which win
     *                     over {@code context.settings()} for placeholders
     */
    public SourceRuntime(Path integrations, Map<String, String> fixed, SourceContext context) throws Exception {
        camel.getCamelContextExtension().setName("annexa");
        Properties overrides = new Properties();
        overrides.putAll(fixed);
        camel.getPropertiesComponent().setOverrideProperties(overrides);
        camel.getPropertiesComponent().addPropertiesSource(new PropertiesSource() {
            @Override
            public String getName() {
                return "annexa-config";
            }

            @Override
            public String getProperty(String name) {
                return context.settings().apply(name).orElse(null);
            }
        });
        this.monitor = context.monitor();
        SourceBindings.bindAll(camel.getRegistry(), context);
        PluginHelper.getRoutesLoader(camel).loadRoutes(routeFiles(integrations));
    }

    private List<Resource> routeFiles(Path integrations) throws IOException {
        if (!Files.isDirectory(integrations)) {
            throw new IOException("integrations folder " + integrations + " does not exist");
        }
        try (Stream<Path> files = Files.list(integrations)) {
            List<Resource> resources = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                resources.add(ResourceHelper.resolveMandatoryResource(camel, "file:" + file.toAbsolutePath()));
            }
            return resources;
        }
    }

    public void start() {
        camel.start();
    }

    public boolean isStarted() {
        return camel.isStarted();
    }

    public List<RouteStatus> routes() {
        List<RouteStatus> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            routes.add(new RouteStatus(route.getRouteId(), status == null ? "Unknown" : status.name(),
                    monitor.counters(route.getRouteId()), route.getEndpoint().getEndpointBaseUri()));
        }
        return routes;
    }

    public SourceMonitor monitor() {
        return monitor;
    }

    public CamelContext camel() {
        return camel;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
