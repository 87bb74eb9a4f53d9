package io.annexa.register.policy;

import io.annexa.control.ControlCatalog;
import java.util.Optional;

/** Which ids are ISO/IEC 27001:2022 clauses, from the bundled catalog, loaded on first use and only once. */
final class Clauses {

    private static final class Catalog {
        static final ControlCatalog LOADED = ControlCatalog.load();
    }

    private Clauses() {
    }

    /** Why {@code id} cannot be named as a clause a nonconformity breaches, or empty when it can. */
    static Optional<String> problem(String id) {
        if (Catalog.LOADED.containsClause(id)) {
            return Optional.empty();
        }
        String hint = id.startsWith("A.") ? "; Annex A controls are not clauses: the register takes them from each rule's controls" : "";
        return Optional.of("'" + ConfigYaml.shown(id) + "' is not an ISO/IEC 27001:2022 clause (4 ... 10.2, e.g. \"9.1\")" + hint);
    }
}
