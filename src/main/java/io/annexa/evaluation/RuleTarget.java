package io.annexa.evaluation;

import java.util.concurrent.CompletableFuture;

/**
 * What puts a rule library in service: one engine, or in cluster mode the sessions of every partition this instance
 * owns. A deployment is reported applied when the future completes.
 */
public interface RuleTarget {

    /** The library in service now. */
    RuleLibrary library();

    /**
     * Puts {@code next} in service between two inputs. Completes exceptionally when it could not be, in which case the
     * previous library stays in service.
     */
    CompletableFuture<RuleLibrary> swap(RuleLibrary next);
}
