package io.annexa.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API, under /api. JSON everywhere (JSON-B); timestamps are ISO-8601 instants in UTC. */
@ApplicationPath("/api")
public class AnnexaApi extends Application {
}
