package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import org.drools.base.RuleBase;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.compiler.kie.builder.impl.DrlProject;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.core.impl.RuleBaseFactory;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.conf.EventProcessingOption;

/**
 * The compiled rule library: every rule folder below {@code rules/} (a {@code rule.yml} and a DRL file
 * of the same name), checked and compiled into one KieBase. Loading either yields a library that is
 * wholly usable or throws with every problem found; it never runs with half the rules.
 *
 * <p>The library keeps each enabled rule's compiled package ({@link #rulePackages}), so that the engine can put a
 * changed rule into the session in service ({@link InPlaceChange}) instead of a new session. Its KieBase is made from
 * those when first needed, or taken over from the session in service ({@link #adopt}): a library loaded
 * {@link #loadForSwap for a swap} and applied in place never makes a KieBase of its own, so no second copy of the
 * rules' network is built, nor held beside the one in service.
 */
public final class RuleLibrary {

    /** Where the DRL parser saw a syntax error, as it writes it in its message ("Line 12:0", column from 0). */
    private static final Pattern PARSER_POSITION = DrlSourceCheck.PARSER_POSITION;
    /** Drools' follow-up to any syntax error, adding nothing to it. */
    private static final String NULL_PACKAGE = "Parser returned a null Package";
    private static final String KIE_SOURCE_ROOT = "src/main/resources/";

    private static final java.util.concurrent.atomic.AtomicLong BUILDS = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, RuleDefinition> rules;
    private final List<Problem> warnings;
    /** Each enabled rule's compiled package, by DRL package, in the order of the rules. */
    private final Map<String, CompiledRuleCache.Compiled> compiled;
    /** Made from {@link #compiled} when first needed, or adopted from the session in service; guarded by this. */
    private KieBase kieBase;
    private final String contentHash;
    private final RuleSettings settings;
    private final Map<String, String> versions;
    private final List<io.annexa.evidence.BaselineValue> baseline;
    /** Worked out from the KieBase when first needed; guarded by this. */
    private EventInterest eventInterest;
    /** Worked out from the KieBase when first needed; guarded by this. */
    private ConfigInterest configInterest;

    private RuleLibrary(Map<String, RuleDefinition> rules, List<Problem> warnings, Map<String, CompiledRuleCache.Compiled> compiled,
                        String contentHash, RuleSettings settings, Map<String, String> versions,
                        List<io.annexa.evidence.BaselineValue> baseline) {
        this.settings = settings;
        this.baseline = List.copyOf(baseline);
        this.versions = Map.copyOf(versions);
        this.rules = Collections.unmodifiableMap(rules);
        this.warnings = List.copyOf(warnings);
        this.compiled = Collections.unmodifiableMap(new LinkedHashMap<>(compiled));
        this.contentHash = contentHash;
    }

    public static RuleLibrary load(Path rulesDir, ControlCatalog catalog) throws RuleLibraryException {
        return load(rulesDir, null, catalog);
    }

    /**
     * @param settingsFile this environment's {@code config/rules.yml}; null or absent: every rule on, defaults.
     *                     The declared configuration baseline is read from {@code baseline.yml} next to it.
     */
    public static RuleLibrary load(Path rulesDir, Path settingsFile, ControlCatalog catalog) throws RuleLibraryException {
        return new Loader(rulesDir, settingsFile, catalog, true).load().built();
    }

    /**
     * As {@link #load(Path, Path, ControlCatalog)}, but the KieBase is left to be made when a session first needs it,
     * for a library that is to replace the one in service ({@link EvaluationEngine#swap}): applied in place, it adopts
     * the session's KieBase and never makes one (after one rule changed, making it is most of a build's time). Every
     * check of a load is made; what the compiled rules can only show when their network is built (none is known)
     * fails the swap instead, which reports it and keeps the rules in service.
     */
    public static RuleLibrary loadForSwap(Path rulesDir, Path settingsFile, ControlCatalog catalog) throws RuleLibraryException {
        return new Loader(rulesDir, settingsFile, catalog, true).load();
    }

    /**
     * Only the rule folders found below {@code folders} (each {@code rulesDir} itself or inside it), with every
     * rule on and its defaults: a rule author tests one rule without compiling the library, and without a sibling
     * that does not build standing in the way. The DRL packages are still the folders' paths below {@code rulesDir}.
     */
    public static RuleLibrary loadFolders(Path rulesDir, List<Path> folders, ControlCatalog catalog) throws RuleLibraryException {
        Loader loader = new Loader(rulesDir, null, catalog, true);
        loader.limitTo(folders);
        return loader.load();
    }

    /**
     * For measuring what the sandbox costs only: {@code sandboxed == false} loads rule code unchecked.
     * Package-private on purpose, so no production code can switch the sandbox off; the benchmark reaches
     * it through a test-only class in this package.
     */
    static RuleLibrary loadForBenchmark(Path rulesDir, Path settingsFile, ControlCatalog catalog, boolean sandboxed)
            throws RuleLibraryException {
        return new Loader(rulesDir, settingsFile, catalog, sandboxed).load().built();
    }

    /** This library with its KieBase made and what its rules read worked out, as a load has always returned it. */
    private RuleLibrary built() {
        eventInterest();
        configInterest();
        return this;
    }

    public List<RuleDefinition> rules() {
        return List.copyOf(rules.values());
    }

    public Optional<RuleDefinition> rule(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** Compiler warnings; the library runs with them, the rule tests refuse them. */
    public List<Problem> warnings() {
        return warnings;
    }

    /** Whether the rule runs here; a switched-off rule is listed but neither compiled nor evaluated. */
    public boolean isEnabled(String id) {
        return rules.containsKey(id) && settings.isEnabled(id);
    }

    /** The rule if it exists and runs here. */
    public Optional<RuleDefinition> enabledRule(String id) {
        return rule(id).filter(r -> settings.isEnabled(id));
    }

    /** A short hash of the rule's rule.yml and DRL: changes exactly when the rule does. */
    public String version(String id) {
        return versions.getOrDefault(id, "");
    }

    /** Every enabled rule's parameters, defaults overridden by config/rules.yml, as facts for the session. */
    public List<io.annexa.evidence.RuleParameter> parameters() {
        List<io.annexa.evidence.RuleParameter> parameters = new ArrayList<>();
        for (RuleDefinition rule : rules.values()) {
            if (!settings.isEnabled(rule.id())) {
                continue;
            }
            Map<String, String> overrides = settings.parameters().getOrDefault(rule.id(), Map.of());
            rule.parameters().forEach((name, value) -> parameters.add(
                    new io.annexa.evidence.RuleParameter(rule.id(), name, overrides.getOrDefault(name, value))));
        }
        return parameters;
    }

    /** The declared configuration baseline ({@code config/baseline.yml}), as facts for the session. */
    public List<io.annexa.evidence.BaselineValue> baseline() {
        return baseline;
    }

    /** Which log event kinds the enabled rules read, and for how long: worked out from the compiled rules. */
    public synchronized EventInterest eventInterest() {
        if (eventInterest == null) {
            eventInterest = EventInterest.analyze(kieBase(), enabledRules(), parameters());
        }
        return eventInterest;
    }

    /** Which configuration entries any rule of the library can read: worked out from the compiled rules. */
    synchronized ConfigInterest configInterest() {
        if (configInterest == null) {
            configInterest = ConfigInterest.analyze(kieBase());
        }
        return configInterest;
    }

    /** The rules' KieBase; made from the compiled rules if the library has none (yet, or any more: {@link #release}). */
    public synchronized KieBase kieBase() {
        if (kieBase == null) {
            KieBaseConfiguration configuration = RuleBaseFactory.newKnowledgeBaseConfiguration(null, RuleLibrary.class.getClassLoader());
            configuration.setOption(EventProcessingOption.STREAM);
            RuleBase base = RuleBaseFactory.newRuleBase("annexa-rules-" + BUILDS.incrementAndGet(), configuration);
            base.addPackages(CompiledRuleCache.SHARED.copies(compiled.values(), base.getRootClassLoader()));
            kieBase = KnowledgeBaseFactory.newKnowledgeBase(base);
        }
        return kieBase;
    }

    /**
     * Takes over {@code base}, which a session in service now runs with exactly this library's enabled rules
     * ({@link InPlaceChange}), as this library's KieBase: sessions made from it later (a replay) share it, and the
     * library's own, if it made one, is left to the collector.
     *
     * @param events what the rules in {@code base} read of log events, worked out for the change
     * @param config what the rules in {@code base} read of configuration entries, worked out for the change
     */
    synchronized void adopt(KieBase base, EventInterest events, ConfigInterest config) {
        kieBase = base;
        eventInterest = events;
        configInterest = config;
    }

    /** The enabled rules, in the order of the rules. */
    List<RuleDefinition> enabledRules() {
        return rules.values().stream().filter(r -> settings.isEnabled(r.id())).toList();
    }

    /**
     * Forgets {@code base} if it is this library's KieBase, as a session is about to change it in place into another
     * library's: a session made from this library later gets a KieBase of its own rules again, made when it asks.
     */
    synchronized void release(KieBase base) {
        if (kieBase == base) {
            kieBase = null;
        }
    }

    /**
     * Fresh copies of the compiled packages of the enabled rule {@code ruleId} (its DRL package and the packages of the
     * fact types it imports) for a KieBase whose classes {@code classLoader} defines; empty when it is not enabled.
     */
    List<org.drools.base.definitions.InternalKnowledgePackage> rulePackages(String ruleId, ClassLoader classLoader) {
        CompiledRuleCache.Compiled rule = enabledRule(ruleId).map(r -> compiled.get(r.drlPackage())).orElse(null);
        return rule == null ? List.of() : CompiledRuleCache.SHARED.copies(List.of(rule), classLoader);
    }

    /** The compiled DRL package of the enabled rule {@code ruleId}, not to be changed nor added to a KieBase itself. */
    Optional<org.drools.base.definitions.InternalKnowledgePackage> compiledPackage(String ruleId) {
        return enabledRule(ruleId).map(r -> compiled.get(r.drlPackage())).map(CompiledRuleCache.Compiled::rules);
    }

    /** SHA-256 over every rule file, to tell which library version produced a result. */
    public String contentHash() {
        return contentHash;
    }

    public EvaluationSession newSession(EvaluationSession.Clock clock) {
        return new EvaluationSession(this, clock);
    }

    /** A session keeping log events as {@code retention} says where the rules do not. */
    public EvaluationSession newSession(EvaluationSession.Clock clock, EventRetention retention) {
        return new EvaluationSession(this, clock, retention);
    }

    /** Where the baseline of an environment whose rule settings are {@code settingsFile} is declared. */
    public static Path baselineFile(Path settingsFile) {
        return settingsFile.resolveSibling(BaselineReader.FILE_NAME);
    }

    FindingFactory findingFactory() {
        return new FindingFactory(rules.values());
    }

    private static final class Loader {
        private final Path rulesDir;
        private final ControlCatalog catalog;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, RuleDefinition> rules = new LinkedHashMap<>();
        private final MessageDigest digest;
        private final Path settingsFile;
        private final boolean sandboxed;
        private final CompiledRuleCache cache = CompiledRuleCache.SHARED;
        private final Map<String, String> versions = new LinkedHashMap<>();
        private final Map<String, Generated> generated = new java.util.HashMap<>();
        private RuleSettings settings = RuleSettings.none();
        private List<io.annexa.evidence.BaselineValue> baseline = List.of();
        private List<Path> scope;

        Loader(Path rulesDir, Path settingsFile, ControlCatalog catalog, boolean sandboxed) {
            this.sandboxed = sandboxed;
            this.settingsFile = settingsFile;
            this.rulesDir = rulesDir.toAbsolutePath().normalize();
            this.catalog = catalog;
            this.scope = List.of(this.rulesDir);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void limitTo(List<Path> folders) {
            List<Path> within = new ArrayList<>();
            for (Path folder : folders) {
                Path absolute = folder.toAbsolutePath().normalize();
                if (!absolute.startsWith(rulesDir)) {
                    throw new IllegalArgumentException(folder + " is not inside " + rulesDir);
                }
                within.add(absolute);
            }
            scope = List.copyOf(within);
        }

        RuleLibrary load() throws RuleLibraryException {
            if (!Files.isDirectory(rulesDir)) {
                throw new RuleLibraryException(List.of(Problem.error(rulesDir.toString(), "rules directory does not exist")));
            }
            RuleMetadataReader reader = new RuleMetadataReader(catalog);
            for (Path ruleYml : files("rule.yml")) {
                Path folder = ruleYml.getParent();
                String drlPackage = packageOf(folder);
                reader.read(ruleYml, display(ruleYml), drlPackage, problems).ifPresent(this::accept);
            }
            for (Path drl : files(".drl")) {
                if (!Files.exists(drl.getParent().resolve("rule.yml"))) {
                    problems.add(Problem.error(display(drl), "DRL file outside a rule folder: add a rule.yml next to it"));
                } else if (!drl.getFileName().toString().equals(drl.getParent().getFileName() + ".drl")) {
                    // one rule, one DRL: a second file would silently not be compiled
                    problems.add(Problem.error(display(drl), "a rule folder holds one DRL file named after the folder ("
                            + drl.getParent().getFileName() + ".drl); move this one into a rule folder of its own"));
                }
            }
            if (settingsFile != null) {
                String display = "config/" + settingsFile.getFileName();
                settings = RuleSettings.read(settingsFile, display, problems);
                settings.check(rules, display, problems);
                if (Files.exists(settingsFile)) {
                    digest.update(read(settingsFile).getBytes(StandardCharsets.UTF_8));
                }
                Path baselineFile = baselineFile(settingsFile);
                baseline = BaselineReader.read(baselineFile, "config/" + BaselineReader.FILE_NAME, problems);
                if (Files.exists(baselineFile)) {
                    digest.update(read(baselineFile).getBytes(StandardCharsets.UTF_8));
                }
            }
            // compiled even when rule.yml problems were found, so that the author sees the DRL errors as well
            Map<String, CompiledRuleCache.Compiled> compiled = compile();
            if (problems.stream().noneMatch(Problem::isError)) {
                problems.addAll(RuleLint.check(rules.values(), settings::isEnabled, this::display));
            }
            if (problems.stream().anyMatch(Problem::isError)) {
                throw new RuleLibraryException(problems);
            }
            return new RuleLibrary(rules, problems, compiled, HexFormat.of().formatHex(digest.digest()), settings, versions, baseline);
        }

        private void accept(RuleDefinition rule) {
            RuleDefinition clash = rules.putIfAbsent(rule.id(), rule);
            if (clash != null) {
                problems.add(Problem.error(display(rule.folder().resolve("rule.yml")),
                        "duplicate rule id '" + rule.id() + "', also used by " + display(clash.folder())));
                return;
            }
            Path drl = rule.drlFile();
            if (!Files.isRegularFile(drl)) {
                problems.add(Problem.error(display(rule.folder()), "rule folder has no " + rule.id() + ".drl"));
                return;
            }
            // its package is checked on the parsed file, before it is compiled (DrlSourceCheck)
        }

        private String packageOf(Path folder) {
            List<String> segments = new ArrayList<>();
            for (Path segment : rulesDir.relativize(folder)) {
                String name = segment.toString();
                if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
                    problems.add(Problem.error(display(folder), "folder name '" + name
                            + "' must be a valid Java identifier (letters, digits, underscores), as it is part of the DRL package"));
                }
                segments.add(name);
            }
            return String.join(".", segments);
        }

        /**
         * Compiles the enabled rules the {@link CompiledRuleCache} does not hold yet, in one build, and checks them with
         * the sandbox: after one rule changed, only that rule is compiled. The library's KieBase is made from copies of
         * the checked packages ({@link #kieBase}).
         *
         * @return every enabled rule's compiled package by DRL package, in the order of the rules; null on an error
         */
        private Map<String, CompiledRuleCache.Compiled> compile() {
            Map<String, RuleSandbox.Source> missing = new LinkedHashMap<>();
            Map<String, String> keys = new LinkedHashMap<>();
            Map<String, CompiledRuleCache.Compiled> compiled = new LinkedHashMap<>();
            for (RuleDefinition rule : rules.values()) {
                Path drl = rule.drlFile();
                if (!Files.isRegularFile(drl)) {
                    continue; // reported already
                }
                String text = withCounting(rule, read(drl), display(drl));
                String metadata = read(rule.folder().resolve("rule.yml"));
                digest.update(metadata.getBytes(StandardCharsets.UTF_8));
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                versions.put(rule.id(), shortHash(metadata + "\u0000" + text));
                if (settings.isEnabled(rule.id())) {
                    String display = display(drl);
                    String key = CompiledRuleCache.key(sandboxed, display, rule.drlPackage(), text);
                    keys.put(rule.drlPackage(), key);
                    cache.get(key).ifPresentOrElse(hit -> compiled.put(rule.drlPackage(), hit),
                            () -> missing.put(rule.drlPackage(), new RuleSandbox.Source(display, text)));
                }
            }
            Map<String, CompiledRuleCache.Compiled> fresh = missing.isEmpty() ? Map.of() : compileMissing(missing, keys);
            if (fresh != null) {
                compiled.putAll(fresh);
            }
            Map<String, CompiledRuleCache.Compiled> used = new LinkedHashMap<>();
            for (String drlPackage : keys.keySet()) {
                CompiledRuleCache.Compiled rule = compiled.get(drlPackage);
                if (rule != null) { // in the order of the rules, so that their warnings are too
                    used.put(drlPackage, rule);
                    problems.addAll(rule.warnings());
                }
            }
            if (fresh == null || problems.stream().anyMatch(Problem::isError)) {
                return null;
            }
            cache.retainOnly(Set.copyOf(keys.values()));
            return used;
        }

        /**
         * The DRL as compiled: the author's text, then the rule generated from rule.yml's {@code count:} if it has one
         * ({@link CountingRule}). What the compiler says about the generated lines is said about rule.yml.
         */
        private String withCounting(RuleDefinition rule, String text, String display) {
            if (rule.count() == null) {
                return text;
            }
            String authored = text.endsWith("\n") ? text : text + "\n";
            int lines = (int) authored.chars().filter(c -> c == '\n').count();
            generated.put(display, new Generated(lines, display(rule.folder().resolve("rule.yml")), rule.count().whereLine()));
            return authored + CountingRule.drl(rule);
        }

        /** A problem in the generated counting rule, told where its author can fix it: the count: section of rule.yml. */
        private Problem relocate(Problem problem) {
            Generated in = generated.get(problem.file());
            if (in == null || problem.line() <= in.authoredLines()) {
                return problem;
            }
            return new Problem(in.ruleYml(), in.whereLine(), 0, problem.level(),
                    (in.whereLine() > 0 ? "in count.where: " : "in the rule made from count: ") + problem.message());
        }

        /** Where the rule generated from a count: section begins in a compiled DRL. */
        private record Generated(int authoredLines, String ruleYml, int whereLine) {
        }

        /**
         * Checks the given rules' files with the sandbox's source check ({@link RuleSandbox#checkSource}: their
         * package, what MVEL evaluates), compiles those that pass in one KIE build and checks the compiled code with
         * the sandbox; the library fails if any file fails either. Each rule's package goes into
         * the cache with the warnings about its file, unless a warning names no file of theirs (then the warnings are
         * reported here, and the next build compiles these rules again).
         *
         * @param missing DRL package → its file, for the rules to compile
         * @param keys    DRL package → its cache key
         * @return DRL package → its compiled rule; null when an error was found
         */
        private Map<String, CompiledRuleCache.Compiled> compileMissing(Map<String, RuleSandbox.Source> missing,
                                                                        Map<String, String> keys) {
            // Each file is parsed and checked first: Drools evaluates parts of a DRL while compiling it, so a file that
            // fails here is never compiled. The others are, so that the author sees their compile errors too.
            List<Problem> checked = new ArrayList<>();
            Map<String, RuleSandbox.Source> compilable = new LinkedHashMap<>();
            missing.forEach((drlPackage, source) -> {
                DrlSourceCheck.Result result = RuleSandbox.checkSource(source, drlPackage, sandboxed);
                checked.addAll(result.problems());
                if (result.compilable()) {
                    compilable.put(drlPackage, source);
                }
            });
            if (compilable.size() < missing.size()) {
                List<Problem> found = new ArrayList<>(checked);
                if (!compilable.isEmpty()) {
                    Built built = compileAndCheck(compilable);
                    built.release().run();
                    found.addAll(built.problems());
                }
                found.replaceAll(this::relocate);
                problems.addAll(found);
                return null;
            }
            Built built = compileAndCheck(compilable);
            try {
                List<Problem> found = new ArrayList<>(checked);
                found.addAll(built.problems());
                found.replaceAll(this::relocate);
                if (found.stream().anyMatch(Problem::isError)) {
                    problems.addAll(found);
                    return null;
                }
                InternalKieModule module = (InternalKieModule) built.builder().getKieModule();
                Map<String, InternalKnowledgePackage> byName = new LinkedHashMap<>();
                for (String kieBase : module.getKieModuleModel().getKieBaseModels().keySet()) {
                    for (var kiePackage : module.getKnowledgePackagesForKieBase(kieBase)) {
                        byName.put(kiePackage.getName(), (InternalKnowledgePackage) kiePackage);
                    }
                }
                // the sandbox refuses this itself; a build without it (a benchmark's) must not load a rule without its package
                List<Problem> unbuilt = new ArrayList<>();
                missing.forEach((drlPackage, source) -> {
                    if (!byName.containsKey(drlPackage)) {
                        unbuilt.add(Problem.error(source.display(), "the build made no package " + drlPackage + " of this rule"));
                    }
                });
                if (!unbuilt.isEmpty()) {
                    problems.addAll(found);
                    problems.addAll(unbuilt);
                    return null;
                }
                CompiledRuleCache.setAside(byName.values());
                List<InternalKnowledgePackage> support = byName.values().stream()
                        .filter(pkg -> !missing.containsKey(pkg.getName())).toList();
                Set<String> displays = new HashSet<>();
                missing.values().forEach(source -> displays.add(source.display()));
                // Kept only when all of it belongs to one of these rules: every warning in one of their files and no
                // code outside their packages (the sandbox refuses such code; a build without the sandbox must not
                // hand it to a later, sandboxed one through the cache).
                boolean cacheable = found.stream().allMatch(p -> displays.contains(p.file()))
                        && support.stream().allMatch(CompiledRuleCache::holdsNoCode);
                if (!cacheable) {
                    problems.addAll(found);
                }
                Map<String, CompiledRuleCache.Compiled> compiled = new LinkedHashMap<>();
                missing.forEach((drlPackage, source) -> {
                    CompiledRuleCache.Compiled rule = new CompiledRuleCache.Compiled(byName.get(drlPackage), support,
                            cacheable ? found.stream().filter(p -> p.file().equals(source.display())).toList() : List.of());
                    compiled.put(drlPackage, rule);
                    if (cacheable) {
                        cache.put(keys.get(drlPackage), rule);
                    }
                });
                return compiled;
            } finally {
                built.release().run();
            }
        }

        /** A KIE build of checked files, its problems (the compiler's, then the sandbox's), and how to let it go. */
        private record Built(KieBuilder builder, List<Problem> problems, Runnable release) {
        }

        /** Compiles files {@link DrlSourceCheck} passed in one KIE build, then checks the compiled code with the sandbox. */
        private Built compileAndCheck(Map<String, RuleSandbox.Source> files) {
            KieServices services = KieServices.Factory.get();
            KieFileSystem kieFiles = services.newKieFileSystem();
            // A fresh release id per build: the KIE repository is JVM-wide and a reload must not see an old build.
            ReleaseId releaseId = services.newReleaseId("io.annexa.rules", "library", "1." + BUILDS.incrementAndGet());
            kieFiles.generateAndWritePomXML(releaseId);
            for (RuleSandbox.Source source : files.values()) {
                kieFiles.write(KIE_SOURCE_ROOT + source.display().substring("rules/".length()), source.text());
            }
            Runnable release = () -> services.getRepository().removeKieModule(releaseId);
            try {
                KieBuilder builder = services.newKieBuilder(kieFiles).buildAll(DrlProject.class);
                List<Problem> found = problemsOf(builder);
                if (found.stream().noneMatch(Problem::isError) && sandboxed) {
                    // before any KieBase or session exists: no rule code has run yet
                    found.addAll(RuleSandbox.check(builder.getKieModule(), files));
                }
                return new Built(builder, found, release);
            } catch (RuntimeException e) {
                release.run();
                throw e;
            }
        }

        /** The build's messages as problems, with the column of a syntax error and without Drools' follow-ups. */
        private List<Problem> problemsOf(KieBuilder builder) {
            List<Problem> found = new ArrayList<>();
            for (Message message : builder.getResults().getMessages()) {
                if (message.getLevel() == Message.Level.INFO) {
                    continue;
                }
                String path = message.getPath() == null ? "rules" : display(rulesDir.resolve(
                        message.getPath().startsWith(KIE_SOURCE_ROOT) ? message.getPath().substring(KIE_SOURCE_ROOT.length()) : message.getPath()));
                int line = Math.max(message.getLine(), 0);
                int column = Math.max(message.getColumn(), 0);
                Matcher position = PARSER_POSITION.matcher(message.getText());
                if (column == 0 && line > 0 && position.find() && Integer.parseInt(position.group(1)) == line) {
                    column = Integer.parseInt(position.group(2)) + 1;
                }
                found.add(new Problem(path, line, column,
                        message.getLevel() == Message.Level.ERROR ? Problem.Level.ERROR : Problem.Level.WARNING,
                        message.getText().strip()));
            }
            Set<String> locatedErrors = new HashSet<>();
            found.stream().filter(p -> p.isError() && p.line() > 0).forEach(p -> locatedErrors.add(p.file()));
            found.removeIf(p -> p.line() == 0 && p.message().equals(NULL_PACKAGE) && locatedErrors.contains(p.file()));
            return found;
        }

        private List<Path> files(String suffix) {
            SortedSet<Path> found = new TreeSet<>();
            for (Path folder : scope) {
                try (Stream<Path> walk = Files.walk(folder)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(suffix))
                            .filter(p -> !isScenario(rulesDir.relativize(p)))
                            .filter(Files::isRegularFile)
                            .forEach(found::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + folder, e);
                }
            }
            return List.copyOf(found);
        }

        private static String shortHash(String text) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(hash).substring(0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Scenario inputs live in a rule's tests/ folder and may well be named *.drl or rule.yml themselves. */
        private static boolean isScenario(Path relative) {
            for (Path segment : relative) {
                if (segment.toString().equals("tests")) {
                    return true;
                }
            }
            return false;
        }

        private String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + display(file), e);
            }
        }

        private String display(Path path) {
            return "rules/" + rulesDir.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
        }
    }
}
