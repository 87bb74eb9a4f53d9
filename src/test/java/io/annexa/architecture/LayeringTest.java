package io.annexa.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-way dependencies between Annexa's packages, checked on the compiled classes (imports and fully
 * qualified names alike). Interfaces that sources and the engine share (the evidence sink, scenario input,
 * the parse error, the configuration source names) live in {@code evidence}.
 */
class LayeringTest {

    private static JavaClasses annexa;

    @BeforeAll
    static void importClasses() {
        annexa = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.annexa");
    }

    @Test
    void theFactModelDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.annexa.evidence..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.control..", "io.annexa.ingestion..",
                        "io.annexa.evaluation..", "io.annexa.register..", "io.annexa.access..", "io.annexa.api..",
                        "io.annexa.service..", "io.annexa.yaml..", "io.annexa.launcher..", "io.annexa.cluster..")
                .check(annexa);
    }

    @Test
    void accessControlDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.annexa.access..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.evidence..", "io.annexa.control..",
                        "io.annexa.ingestion..", "io.annexa.evaluation..", "io.annexa.register..", "io.annexa.api..",
                        "io.annexa.service..", "io.annexa.launcher..", "io.annexa.cluster..")
                .check(annexa);
    }

    @Test
    void sourcesNeverReachTheEngineTheRegisterOrTheApi() {
        noClasses().that().resideInAPackage("io.annexa.ingestion..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.evaluation..", "io.annexa.register..",
                        "io.annexa.access..", "io.annexa.api..", "io.annexa.service..", "io.annexa.cluster..")
                .check(annexa);
    }

    @Test
    void theEngineNeverReachesTheSourcesTheRegisterAccessOrTheApi() {
        noClasses().that().resideInAPackage("io.annexa.evaluation..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.ingestion..", "io.annexa.register..", "io.annexa.access..",
                        "io.annexa.api..", "io.annexa.service..", "io.annexa.cluster..")
                .check(annexa);
    }

    @Test
    void theRegisterBuildsOnTheEngineOnly() {
        noClasses().that().resideInAPackage("io.annexa.register..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.ingestion..", "io.annexa.access..",
                        "io.annexa.api..", "io.annexa.service..", "io.annexa.cluster..")
                .check(annexa);
    }

    /** The register builds on its policy; the policy is configuration only and never reaches back into the register. */
    @Test
    void theRegisterPolicyBuildsOnTheEngineEvidenceCatalogAndYamlOnly() {
        noClasses().that().resideInAPackage("io.annexa.register.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.register", "io.annexa.ingestion..",
                        "io.annexa.access..", "io.annexa.api..", "io.annexa.service..", "io.annexa.launcher..")
                .check(annexa);
    }

    /** Alerting reads the register's changes and the catalog; it knows nothing of sources, the engine or access control. */
    @Test
    void alertingBuildsOnTheRegisterEvidenceCatalogAndYamlOnly() {
        noClasses().that().resideInAPackage("io.annexa.alerting..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.ingestion..", "io.annexa.evaluation..",
                        "io.annexa.access..", "io.annexa.api..", "io.annexa.service..", "io.annexa.launcher..", "io.annexa.cluster..")
                .check(annexa);
    }

    /**
     * Cluster mode carries evidence between nodes (Kafka records made from sink calls, applied to the engine on the other
     * side): it builds on the fact model and the engine, and never on a source, so a source cannot tell whether its
     * facts stay in this process or travel.
     */
    @Test
    void clusterModeBuildsOnTheEvidenceEngineRegisterAlertingCatalogAndYamlOnly() {
        noClasses().that().resideInAPackage("io.annexa.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("io.annexa.ingestion..", "io.annexa.api..",
                        "io.annexa.service..", "io.annexa.launcher..", "io.annexa.access..")
                .check(annexa);
    }

    @Test
    void onlyTheServiceTheApiAndClusterModeUseAlerting() {
        noClasses().that().resideOutsideOfPackages("io.annexa.alerting..", "io.annexa.api..", "io.annexa.service..",
                        "io.annexa.cluster..")
                .should().dependOnClassesThat().resideInAPackage("io.annexa.alerting..")
                .check(annexa);
    }

    @Test
    void onlyTheServiceAndTheApiUseTheApi() {
        noClasses().that().resideOutsideOfPackages("io.annexa.api..", "io.annexa.service..")
                .should().dependOnClassesThat().resideInAPackage("io.annexa.api..")
                .check(annexa);
    }

    @Test
    void theLauncherUsesOnlyTheJdk() {
        noClasses().that().resideInAPackage("io.annexa.launcher..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.annexa.launcher..", "java..", "javax..", "jdk..")
                .check(annexa);
    }
}
