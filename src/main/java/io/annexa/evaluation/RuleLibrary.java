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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import org.drools.compiler.kie.builder.impl.DrlProject;
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
 */
public final class RuleLibrary {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;?", Pattern.MULTILINE);
    private static final String KIE_SOURCE_ROOT = "src/main/resources/";

    private static final java.util.concurrent.atomic.AtomicLong BUILDS = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, RuleDefinition> rules;
    private final List<Problem> warnings;
    private final KieBase kieBase;
    private final String contentHash;

    private RuleLibrary(Map<String, RuleDefinition> rules, List<Problem> warnings, KieBase kieBase, String contentHash) {
        this.rules = Collections.unmodifiableMap(rules);
        this.warnings = List.copyOf(warnings);
        this.kieBase = kieBase;
        this.contentHash = contentHash;
    }

    public static RuleLibrary load(Path rulesDir, ControlCatalog catalog) throws RuleLibraryException {
        return new Loader(rulesDir, catalog).load();
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

    public KieBase kieBase() {
        return kieBase;
    }

    /** SHA-256 over every rule file, to tell which library version produced a result. */
    public String contentHash() {
        return contentHash;
    }

    public EvaluationSession newSession(EvaluationSession.Clock clock) {
        return new EvaluationSession(this, clock);
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

        Loader(Path rulesDir, ControlCatalog catalog) {
            this.rulesDir = rulesDir.toAbsolutePath().normalize();
            this.catalog = catalog;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
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
                }
            }
            if (problems.stream().anyMatch(Problem::isError)) {
                throw new RuleLibraryException(problems);
            }
            KieBase kieBase = compile();
            if (problems.stream().anyMatch(Problem::isError)) {
                throw new RuleLibraryException(problems);
            }
            return new RuleLibrary(rules, problems, kieBase, HexFormat.of().formatHex(digest.digest()));
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
            String text = read(drl);
            Matcher declared = PACKAGE.matcher(text);
            if (!declared.find()) {
                problems.add(Problem.error(display(drl), "has no package declaration; it must be 'package " + rule.drlPackage() + ";'"));
            } else if (!declared.group(1).equals(rule.drlPackage())) {
                int line = (int) text.substring(0, declared.start(1)).chars().filter(c -> c == '\n').count() + 1;
                problems.add(Problem.error(display(drl), line, 0, "package '" + declared.group(1)
                        + "' must be the rule folder's path '" + rule.drlPackage() + "'"));
            }
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

        private KieBase compile() {
            KieServices services = KieServices.Factory.get();
            KieFileSystem files = services.newKieFileSystem();
            // A fresh release id per build: the KIE repository is JVM-wide and a reload must not see an old build.
            ReleaseId releaseId = services.newReleaseId("io.annexa.rules", "library", "1." + BUILDS.incrementAndGet());
            files.generateAndWritePomXML(releaseId);
            for (RuleDefinition rule : rules.values()) {
                Path drl = rule.drlFile();
                String text = read(drl);
                digest.update(read(rule.folder().resolve("rule.yml")).getBytes(StandardCharsets.UTF_8));
                digest.update(text.getBytes(StandardCharsets.UTF_8));
                files.write(KIE_SOURCE_ROOT + rulesDir.relativize(drl).toString().replace('\\', '/'), text);
            }
            KieBuilder builder = services.newKieBuilder(files).buildAll(DrlProject.class);
            for (Message message : builder.getResults().getMessages()) {
                if (message.getLevel() == Message.Level.INFO) {
                    continue;
                }
                String path = message.getPath() == null ? "rules" : display(rulesDir.resolve(
                        message.getPath().startsWith(KIE_SOURCE_ROOT) ? message.getPath().substring(KIE_SOURCE_ROOT.length()) : message.getPath()));
                problems.add(new Problem(path, Math.max(message.getLine(), 0), Math.max(message.getColumn(), 0),
                        message.getLevel() == Message.Level.ERROR ? Problem.Level.ERROR : Problem.Level.WARNING,
                        message.getText().strip()));
            }
            if (problems.stream().anyMatch(Problem::isError)) {
                return null;
            }
            KieBaseConfiguration configuration = services.newKieBaseConfiguration();
            configuration.setOption(EventProcessingOption.STREAM);
            KieBase kieBase = services.newKieContainer(releaseId).newKieBase(configuration);
            services.getRepository().removeKieModule(releaseId);
            return kieBase;
        }

        private List<Path> files(String suffix) {
            try (Stream<Path> walk = Files.walk(rulesDir)) {
                return walk.filter(p -> p.getFileName().toString().endsWith(suffix))
                        .filter(p -> !isScenario(rulesDir.relativize(p)))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + rulesDir, e);
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
