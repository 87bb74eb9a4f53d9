package io.annexa.evidence;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads one scenario file of a rule's {@code tests/} folder the way its source's route would read the real
 * thing, so a rule is tested against what production hands the engine, not against hand-built facts.
 */
public interface ScenarioInput {

    /**
     * @param asset      the asset facts are about when the input does not name its own
     * @param observedAt the moment the input counts as read: scenarios are evaluated at a fixed time, so
     *                   that a certificate or a last login compared with it gives the same verdict every year
     */
    ScenarioFacts read(Path file, String asset, Instant observedAt) throws IOException, InvalidInputException;
}
