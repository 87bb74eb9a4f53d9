package io.annexa.api;

import io.annexa.service.AnnexaService;
import java.util.Optional;
import java.util.function.Function;

/** Resources answer 503 with the reason while Annexa is starting or could not start. */
final class Ready {

    private Ready() {
    }

    static <T> T require(AnnexaService service, Function<AnnexaService, Optional<T>> part) {
        return part.apply(service).orElseThrow(() -> ApiError.unavailable(service.failure()
                .orElse("Annexa is " + service.state().name().toLowerCase() + "; try again shortly")));
    }
}
