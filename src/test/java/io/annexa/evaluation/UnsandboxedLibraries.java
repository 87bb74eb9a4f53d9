package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import java.nio.file.Path;

/** Test code only: builds a library with or without the rule sandbox, to measure what the sandbox costs. */
public final class UnsandboxedLibraries {

    private UnsandboxedLibraries() {
    }

    public static RuleLibrary load(Path rulesDir, Path settingsFile, ControlCatalog catalog, boolean sandboxed)
            throws RuleLibraryException {
        return RuleLibrary.loadForBenchmark(rulesDir, settingsFile, catalog, sandboxed);
    }
}
