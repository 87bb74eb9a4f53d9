package io.annexa.ingestion.scenario;

import io.annexa.evidence.ScenarioFacts;
import io.annexa.evidence.ScenarioInput;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.SilenceScenario;
import io.annexa.ingestion.SilenceWatch;
import io.annexa.ingestion.accounts.AccountQueryIngest;
import io.annexa.ingestion.accounts.AccountScenario;
import io.annexa.ingestion.log.LogScenario;
import io.annexa.ingestion.tls.TlsProbe;
import io.annexa.ingestion.tls.TlsScenario;
import io.annexa.ingestion.xccdf.XccdfResultParser;
import io.annexa.ingestion.xccdf.XccdfReport;
import io.annexa.ingestion.host.HostSnapshotReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scenario readers by source name, which is also the scenario file's extension
 * ({@code root_login.fail.sshd_config}, {@code burst.fail.log}, {@code high.fail.xccdf}, {@code uid0.fail.accounts},
 * {@code expired.fail.tls}, {@code quiet_route.fail.source_silent}, {@code down_for_hours.fail.collection_failed}).
 */
public final class ScenarioInputs {

    /** The source name of log scenarios: syslog lines, as in /var/log/auth.log. */
    public static final String LOG = "log";

    /** The source name of host snapshot scenarios: a folder laid out as the host's {@code /}, read as the hosts routes do. */
    public static final String HOST = "host";

    private final Map<String, ScenarioInput> inputs = new LinkedHashMap<>();

    public ScenarioInputs(ControlCatalog catalog) {
        // A single-file scenario is a host whose only file of its kind is this one: its includes are followed into an
        // empty folder, where they find nothing, as on a host whose drop-in folders are empty. A host whose includes
        // hold something is a host scenario.
        Path empty = emptyRoot();
        for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
            ConfigParser parser = kind.parser().apply(empty);
            inputs.put(kind.source(), (file, asset, observedAt) -> ScenarioFacts.of(
                    new EvidenceKey(kind.source(), asset, "scenario"), parser.parse(file, asset, observedAt).facts()));
        }
        HostSnapshotReader hosts = new HostSnapshotReader();
        inputs.put(HOST, (folder, asset, observedAt) -> new ScenarioFacts(hosts.read(folder, asset, "scenario", observedAt), List.of()));
        inputs.put(LOG, LogScenario::read);
        XccdfResultParser xccdf = new XccdfResultParser(catalog, XccdfResultParser.DEFAULT_MAX_BYTES);
        inputs.put(XccdfResultParser.SOURCE, (file, asset, observedAt) -> {
            XccdfReport report = xccdf.parse(file);
            Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
            for (String reported : report.assets()) {
                evidence.put(new EvidenceKey(XccdfResultParser.SOURCE, reported, "scenario"),
                        new ArrayList<>(report.checksOf(reported)));
            }
            return new ScenarioFacts(evidence, List.of());
        });
        inputs.put(AccountQueryIngest.SOURCE, AccountScenario::read);
        inputs.put(TlsProbe.SOURCE, TlsScenario::read);
        inputs.put(SilenceWatch.SOURCE, SilenceScenario::read);
        inputs.put(io.annexa.evidence.CollectionFailed.SOURCE, io.annexa.ingestion.ssh.CollectionScenario::read);
    }

    private static Path emptyRoot() {
        try {
            Path empty = Files.createTempDirectory("annexa-scenario-root");
            empty.toFile().deleteOnExit();
            return empty;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the empty folder single-file scenarios resolve their includes in", e);
        }
    }

    public Optional<ScenarioInput> forSource(String source) {
        return Optional.ofNullable(inputs.get(source));
    }

    /** Every source a scenario may be written for. */
    public List<String> sources() {
        return List.copyOf(inputs.keySet());
    }
}
