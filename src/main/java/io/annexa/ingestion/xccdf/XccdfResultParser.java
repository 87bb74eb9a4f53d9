package io.annexa.ingestion.xccdf;

import io.annexa.control.ControlCatalog;
import io.annexa.control.LegacyControl;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.CheckResult;
import io.annexa.evidence.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the results of an OpenSCAP scan ({@code oscap xccdf eval --results}, or {@code --results-arf}) into one
 * {@link CheckResult} per rule-result, with the rule's title, severity and ISO/IEC 27001:2013 references taken
 * from the benchmark the file carries, and those references translated to ISO/IEC 27002:2022 controls.
 *
 * <p>Rule-results marked {@code notselected} are skipped: the profile did not ask for the rule, so the result
 * says nothing about the host, and OpenSCAP lists every rule of the benchmark in every result (311 of 355 in
 * the Debian scan of the test corpus).
 *
 * <p>The XML is read as {@link XccdfDocumentReader} explains: hardened, DOCTYPE refused, bounded in size.
 */
public final class XccdfResultParser {

    public static final String SOURCE = "xccdf";
    public static final String MAX_BYTES_SETTING = "annexa.sources.xccdf.max-file-bytes";
    /** Far above real results (a few MB for a full benchmark), far below what would strain the heap. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** ISO's page for ISO/IEC 27001:2013, which SCAP Security Guide uses as the href of its Annex A references. */
    static final String ISO_27001_2013_HREF = "iso.org/standard/54534";
    static final String NOT_SELECTED = "notselected";
    private static final Set<String> RESULTS = Set.of("pass", "fail", "error", "unknown", "notapplicable", "notchecked",
            NOT_SELECTED, "informational", "fixed");
    /** 5.9 before 5.10, A.9.4.2 before A.12.4.1: the order the standards list them in. */
    static final Comparator<String> BY_NUMBER = Comparator.comparing(XccdfResultParser::numbers, Arrays::compare)
            .thenComparing(Comparator.naturalOrder());

    private final ControlCatalog catalog;
    private final long maxBytes;

    public XccdfResultParser(ControlCatalog catalog, long maxBytes) {
        this.catalog = catalog;
        this.maxBytes = maxBytes;
    }

    public XccdfReport parse(Path file) throws IOException, InvalidInputException {
        String name = file.toString();
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InvalidInputException(name, 0, "file is " + size + " bytes, more than the " + maxBytes
                    + " an XCCDF result may have (" + MAX_BYTES_SETTING + ")");
        }
        XccdfDocumentReader.Content content;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            content = XccdfDocumentReader.read(in, name);
        }
        if (content.testResults().isEmpty()) {
            throw new InvalidInputException(name, 0, "no TestResult: this is benchmark content, not the results of a scan"
                    + " (oscap xccdf eval --results <file>)");
        }
        Set<String> assets = new LinkedHashSet<>();
        List<CheckResult> checks = new ArrayList<>();
        int notSelected = 0;
        Set<String> series = new LinkedHashSet<>();
        Instant scanned = null;
        boolean timed = true;
        for (XccdfXml.TestResult testResult : content.testResults()) {
            String asset = asset(testResult, name);
            assets.add(asset);
            Instant ended = testResult.endTime == null ? null : time(testResult.endTime, name, testResult.line, "end-time");
            series.add(series(testResult));
            timed &= ended != null;
            if (ended != null && (scanned == null || ended.isAfter(scanned))) {
                scanned = ended;
            }
            for (XccdfXml.RuleResult ruleResult : testResult.ruleResults) {
                String result = result(ruleResult, name);
                if (result.equals(NOT_SELECTED)) {
                    notSelected++;
                } else {
                    checks.add(check(asset, name, ruleResult, result, content.rules().get(ruleResult.idref), ended));
                }
            }
        }
        XccdfReport.Scan scan = series.size() == 1 && timed ? new XccdfReport.Scan(series.iterator().next(), scanned) : null;
        return new XccdfReport(assets, checks, notSelected, scan);
    }

    /** The benchmark and profile a TestResult evaluated, as one text: what a later run of the same scan has too. */
    private static String series(XccdfXml.TestResult testResult) {
        String benchmark = testResult.benchmark == null || !present(testResult.benchmark.id) ? "" : testResult.benchmark.id.strip();
        String profile = testResult.profile == null || !present(testResult.profile.idref) ? "(default)" : testResult.profile.idref.strip();
        return benchmark + " " + profile;
    }

    private CheckResult check(String asset, String file, XccdfXml.RuleResult ruleResult, String result, XccdfXml.Rule rule,
                              Instant ended) throws InvalidInputException {
        // a result file without its benchmark (a bare TestResult) still says which rule passed or failed
        String title = rule == null || rule.titles.isEmpty() ? null : rule.titles.get(0).strip().replaceAll("\\s+", " ");
        String severity = present(ruleResult.severity) ? ruleResult.severity.strip() : rule == null ? null : rule.severity;
        List<String> references = rule == null ? List.of() : references2013(rule);
        Instant checkedAt;
        if (present(ruleResult.time)) {
            checkedAt = time(ruleResult.time, file, ruleResult.line, "time");
        } else if (ended != null) {
            checkedAt = ended;
        } else {
            throw new InvalidInputException(file, ruleResult.line, "rule-result " + ruleResult.idref
                    + " has no time and its TestResult no end-time, so when it was checked is unknown");
        }
        return new CheckResult(asset, SOURCE, file, ruleResult.idref, title, severity, result, controls(references),
                references, checkedAt);
    }

    /** SSG writes one id per reference; older content wrote them comma-separated in one. */
    static List<String> references2013(XccdfXml.Rule rule) {
        Set<String> ids = new LinkedHashSet<>();
        for (XccdfXml.Reference reference : rule.references) {
            if (reference.href != null && reference.href.contains(ISO_27001_2013_HREF) && reference.text != null) {
                Arrays.stream(reference.text.split("[,\\s]+")).filter(id -> !id.isEmpty()).forEach(ids::add);
            }
        }
        return sorted(ids);
    }

    /** Ids the catalog does not know stay among the references, where a reader can see them, and map to nothing. */
    private List<String> controls(List<String> references2013) {
        Set<String> controls = new LinkedHashSet<>();
        for (String id : references2013) {
            catalog.legacy(id).map(LegacyControl::mapsTo).ifPresent(controls::addAll);
        }
        return sorted(controls);
    }

    private static String asset(XccdfXml.TestResult testResult, String file) throws InvalidInputException {
        String target = testResult.targets.stream().filter(XccdfResultParser::present).findFirst()
                .orElseThrow(() -> new InvalidInputException(file, testResult.line, "TestResult has no target, so its results"
                        + " cannot be filed under an asset"));
        try {
            return AssetNames.normalize(target);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file, testResult.line, "TestResult target: " + e.getMessage());
        }
    }

    private static String result(XccdfXml.RuleResult ruleResult, String file) throws InvalidInputException {
        if (!present(ruleResult.idref)) {
            throw new InvalidInputException(file, ruleResult.line, "rule-result has no idref");
        }
        String result = ruleResult.result == null ? "" : ruleResult.result.strip();
        if (!RESULTS.contains(result)) {
            throw new InvalidInputException(file, ruleResult.line, "rule-result " + ruleResult.idref + " has result '" + result
                    + "', not one of " + String.join(", ", RESULTS.stream().sorted().toList()));
        }
        return result;
    }

    /** xsd:dateTime; one without offset is taken as UTC, the scanner's zone being unknown here. */
    private static Instant time(String text, String file, int line, String attribute) throws InvalidInputException {
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text.strip(), OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime offset ? offset.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(file, line, attribute + " '" + text + "' is not a date and time (xsd:dateTime)");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static List<String> sorted(Collection<String> ids) {
        return ids.stream().sorted(BY_NUMBER).toList();
    }

    private static int[] numbers(String id) {
        String[] parts = id.replaceFirst("^[Aa]\\.", "").split("\\.");
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                numbers[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                numbers[i] = Integer.MAX_VALUE; // not a number: after the numbered ones, then by text
            }
        }
        return numbers;
    }
}
