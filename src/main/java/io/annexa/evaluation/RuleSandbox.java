package io.annexa.evaluation;

import io.annexa.evaluation.ClassReferences.Inspected;
import io.annexa.evaluation.ClassReferences.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.Function;
import org.drools.base.rule.LineMappings;
import org.drools.base.rule.TypeDeclaration;
import org.drools.compiler.builder.impl.KnowledgeBuilderImpl;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.kie.api.builder.KieModule;
import org.kie.api.definition.rule.Rule;

/**
 * Keeps rule code from reaching anything but facts, the rule API and plain Java values, before a rule goes into a
 * session: DRL consequences are Java and would otherwise run with the service's rights.
 *
 * <p>Two stages. Before the compiler sees a file, {@link #checkSource} reads it with Drools' parser
 * ({@link DrlSourceCheck}): its package must be its folder's, {@code dialect "mvel"} is refused, and what MVEL
 * evaluates (pattern constraints, {@code from}, accumulate arguments, attributes, annotations, declarations) is judged
 * by its text with {@link ExpressionPolicy} — there, because Drools evaluates some of it while compiling. After the
 * build, {@link #check} judges compiled code (consequences, functions, {@code eval}s, inline accumulate code, Drools'
 * invokers) by its bytecode, every reference checked against {@link BytecodePolicy}, and refuses any package of the
 * build holding code that is not a checked rule's. Each rule is its own DRL package, so a class's package tells whose
 * code it is.
 */
public final class RuleSandbox {

    /** A rule's DRL as the library knows it: where it is shown, and its text (for consequence lines). */
    record Source(String display, String text) {
    }

    private static final Set<String> SERIALIZABLE = Set.of("java/io/Externalizable", "java/io/Serializable");
    private static final String SANDBOX = " — not allowed in rule code (sandbox)";

    private RuleSandbox() {
    }

    /**
     * The problems of a rule's DRL found before it is compiled; a file with an error here must not be compiled.
     *
     * @param drlPackage the rule folder's path: the package the file must declare
     * @param sandboxed  false only to measure the sandbox's cost: then only the package is checked
     */
    static DrlSourceCheck.Result checkSource(Source source, String drlPackage, boolean sandboxed) {
        return DrlSourceCheck.check(source, drlPackage, sandboxed);
    }

    /**
     * Problems of the built module: every rule package whose code reaches outside the allow-lists, a rule whose
     * package was not built, and any other package of the build that holds code (no rule's own, so never checked).
     *
     * @param sources DRL package → its file, each checked by {@link #checkSource} before the build
     */
    static List<Problem> check(KieModule module, Map<String, Source> sources) {
        InternalKieModule internal = (InternalKieModule) module;
        List<Problem> problems = new ArrayList<>();
        Set<String> built = new HashSet<>();
        for (String kieBase : internal.getKieModuleModel().getKieBaseModels().keySet()) {
            KnowledgeBuilderImpl builder = internal.getKnowledgeBuilderForKieBase(kieBase) instanceof KnowledgeBuilderImpl impl ? impl : null;
            for (var kiePackage : internal.getKnowledgePackagesForKieBase(kieBase)) {
                built.add(kiePackage.getName());
                Source source = sources.get(kiePackage.getName());
                if (source == null) {
                    // java.lang, io.annexa.evidence...: packages the imports named, holding no code of a rule
                    if (!CompiledRuleCache.holdsNoCode((InternalKnowledgePackage) kiePackage)) {
                        problems.add(Problem.error(fileOf(builder, kiePackage.getName(), sources),
                                "package " + kiePackage.getName() + " holds code but is no rule folder's package, so its code"
                                        + " is not checked; it is refused (sandbox)"));
                    }
                    continue;
                }
                List<PackageDescr> descrs = builder == null ? null : builder.getPackageDescrs(kiePackage.getName());
                if (descrs == null || descrs.isEmpty()) {
                    problems.add(Problem.error(source.display(), "the sandbox cannot read this rule's structure; it is not loaded (sandbox)"));
                    continue;
                }
                new PackageCheck((InternalKnowledgePackage) kiePackage, descrs, source, problems).run();
            }
        }
        sources.forEach((drlPackage, source) -> {
            if (!built.contains(drlPackage)) {
                problems.add(Problem.error(source.display(), "the build made no package " + drlPackage
                        + " of this rule, so the sandbox cannot check it; it is not loaded (sandbox)"));
            }
        });
        return problems;
    }

    /** The file that made a package, as a problem names it: one of {@code sources}, or the rules folder when unknown. */
    private static String fileOf(KnowledgeBuilderImpl builder, String packageName, Map<String, Source> sources) {
        List<PackageDescr> descrs = builder == null ? null : builder.getPackageDescrs(packageName);
        for (PackageDescr descr : descrs == null ? List.<PackageDescr>of() : descrs) {
            String path = descr.getResource() == null ? null : descr.getResource().getSourcePath();
            for (Source source : sources.values()) {
                if (path != null && path.endsWith(source.display().substring("rules".length()))) {
                    return source.display();
                }
            }
        }
        return sources.size() == 1 ? sources.values().iterator().next().display() : "rules";
    }

    private static final class PackageCheck {
        private final InternalKnowledgePackage kiePackage;
        private final List<PackageDescr> descrs;
        private final Source source;
        private final List<Problem> problems;
        private final Map<String, RuleDescr> rulesByClass = new HashMap<>();
        private final Map<String, String> functionsByClass = new HashMap<>();
        private final String internalPackage;
        private final Set<String> reported = new HashSet<>();

        PackageCheck(InternalKnowledgePackage kiePackage, List<PackageDescr> descrs, Source source, List<Problem> problems) {
            this.kiePackage = kiePackage;
            this.descrs = descrs;
            this.source = source;
            this.problems = problems;
            this.internalPackage = kiePackage.getName().replace('.', '/') + "/";
        }

        void run() {
            for (PackageDescr descr : descrs) {
                descr.getFunctions().forEach(function -> functionsByClass.put(
                        internalPackage + ucFirst(function.getName()), function.getName()));
            }
            checkCompiled();
            // the line mappings name every rule class (its consequence's 'then' line) and every function class
            kiePackage.getDialectRuntimeRegistry().getLineMappings().forEach((className, mapping) -> {
                String internalName = className.replace('.', '/');
                if (!functionsByClass.containsKey(internalName)) {
                    descrs.stream().flatMap(d -> d.getRules().stream())
                            .filter(rule -> rule.getConsequenceLine() == mapping.getStartLine()).findFirst()
                            .ifPresent(rule -> rulesByClass.put(internalName, rule));
                }
            });
            JavaDialectRuntimeData java = (JavaDialectRuntimeData) kiePackage.getDialectRuntimeRegistry().getDialectData("java");
            if (java == null) {
                return;
            }
            for (Map.Entry<String, byte[]> entry : new java.util.TreeMap<>(java.getStore()).entrySet()) {
                if (checkClass(ClassReferences.of(entry.getValue()))) {
                    // the KieBase defines its classes from this store: they run with loop checkpoints
                    java.getStore().put(entry.getKey(), LoopCheckpoints.instrument(entry.getValue()));
                }
            }
        }

        /**
         * What the compiled package says of itself: every rule and function compiled as Java (an MVEL consequence is
         * interpreted, never bytecode, so never checked), every type the rule declares extending only what rule code
         * may use (its inherited members are called on the declared type, which the bytecode check takes for the
         * rule's own). {@link DrlSourceCheck} refuses all this in the text already; this is the compiler's view of it.
         */
        private void checkCompiled() {
            for (Rule rule : kiePackage.getRules()) {
                String dialect = ((RuleImpl) rule).getDialect();
                if (!"java".equals(dialect)) {
                    RuleDescr descr = descrs.stream().flatMap(d -> d.getRules().stream())
                            .filter(r -> r.getName().equals(rule.getName())).findFirst().orElse(null);
                    add(descr == null ? 0 : descr.getLine(), "rule " + rule.getName() + ": dialect \"" + dialect
                            + "\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
                }
            }
            for (Function function : kiePackage.getFunctions().values()) {
                if (!"java".equals(function.getDialect())) {
                    add(0, "function " + function.getName() + ": dialect \"" + function.getDialect()
                            + "\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
                }
            }
            for (TypeDeclaration type : kiePackage.getTypeDeclarations().values()) {
                String superClass = type.getTypeClassDef() == null ? null : type.getTypeClassDef().getSuperClass();
                if (superClass != null && !superClass.startsWith(kiePackage.getName() + ".") && !superClass.equals("java.lang.Enum")
                        && !BytecodePolicy.allowsAsSupertype(superClass.replace('.', '/'))) {
                    add(0, "declare " + type.getTypeName() + " extends " + superClass + " (not a class rule code may extend)" + SANDBOX);
                }
            }
        }

        /** @return whether the class may run */
        private boolean checkClass(Inspected inspected) {
            String name = inspected.name();
            String ruleClass = rulesByClass.keySet().stream().filter(name::startsWith)
                    .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
            // Drools names an invoker after its rule class (which may hold '$', escaping the rule name's symbols)
            boolean invoker = ruleClass != null && name.endsWith("Invoker")
                    && !name.substring(ruleClass.length()).contains("$") && !functionsByClass.containsKey(name);
            for (Reference reference : inspected.references()) {
                if (reference.owner().startsWith(internalPackage) && !reference.owner().substring(internalPackage.length()).contains("/")
                        && (invoker || !BytecodePolicy.OBJECT_MONITORS_AND_CLASS.contains(reference.member()))) {
                    // the rule's own generated classes and declared types, inspected themselves or made by Drools; but
                    // getClass, wait and notify a declared type inherits from Object are refused on it as anywhere
                    continue;
                }
                if (allowed(reference, invoker)) {
                    continue;
                }
                refuse(inspected, ruleClass, reference);
                return false; // one problem per class is enough to show the author what to remove; the rest follow on fixing it
            }
            return true;
        }

        private boolean allowed(Reference reference, boolean invoker) {
            String owner = reference.owner();
            String member = reference.member();
            switch (reference.kind()) {
                case BOOTSTRAP:
                    // string concatenation and lambdas, as javac/ECJ generate them; their arguments are checked apart
                    return owner.equals("java/lang/invoke/StringConcatFactory") && member.equals("makeConcatWithConstants")
                            || owner.equals("java/lang/invoke/LambdaMetafactory") && (member.equals("metafactory") || member.equals("altMetafactory"));
                default:
                    break;
            }
            if (reference.method().equals("<class>") && SERIALIZABLE.contains(owner)) {
                return true; // Drools' templates declare functions Externalizable, accumulate classes Serializable
            }
            return invoker ? BytecodePolicy.allowsInInvoker(owner, member) : BytecodePolicy.allows(owner, member);
        }

        private void refuse(Inspected inspected, String ruleClass, Reference reference) {
            String name = inspected.name();
            String function = functionsByClass.entrySet().stream().filter(f -> name.equals(f.getKey()) || name.startsWith(f.getKey() + "$"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            RuleDescr rule = ruleClass == null ? null : rulesByClass.get(ruleClass);
            String reached = reference.describe();
            if (function != null) {
                LineMappings mapping = kiePackage.getDialectRuntimeRegistry().getLineMappings(
                        functionsByClass.entrySet().stream().filter(f -> f.getValue().equals(function)).findFirst().orElseThrow()
                                .getKey().replace('/', '.'));
                int line = mapping == null || reference.line() == 0 ? 0 : mapping.getStartLine() + reference.line() - mapping.getOffset();
                add(line, "function " + function + " reaches " + reached + SANDBOX);
            } else if (rule != null) {
                boolean consequence = name.equals(ruleClass) && isConsequence(reference.method());
                int line = consequence ? consequenceLine(rule, inspected, reference) : 0;
                if (line > 0) {
                    add(line, "rule " + rule.getName() + " reaches " + reached + SANDBOX);
                } else {
                    add(rule.getLine(), "rule " + rule.getName() + " reaches " + reached + " in its conditions (line of the rule: the"
                            + " exact line of a condition's compiled code is not known)" + SANDBOX);
                }
            } else {
                add(0, "generated class " + name.replace('/', '.') + " reaches " + reached + SANDBOX);
            }
        }

        private static boolean isConsequence(String method) {
            return method.equals("defaultConsequence") || method.startsWith("consequence");
        }

        /**
         * The DRL line of a consequence's bytecode line. Drools puts the consequence text right below the line of
         * its {@code drools} variable (the method's first cast, to KnowledgeHelper), starting at the first
         * character after {@code then} that is not white space.
         */
        private int consequenceLine(RuleDescr rule, Inspected inspected, Reference reference) {
            int anchor = inspected.references().stream()
                    .filter(r -> r.method().equals(reference.method()) && r.kind() == ClassReferences.Kind.TYPE
                            && r.owner().equals("org/drools/core/rule/consequence/KnowledgeHelper"))
                    .mapToInt(Reference::line).findFirst().orElse(0);
            if (anchor == 0 || reference.line() <= anchor) {
                return 0;
            }
            return firstCodeLineAfterThen(rule.getConsequenceLine()) + reference.line() - anchor - 1;
        }

        private int firstCodeLineAfterThen(int thenLine) {
            String text = source.text();
            int at = 0;
            for (int line = 1; line < thenLine && at >= 0; line++) {
                at = text.indexOf('\n', at) + 1;
            }
            int then = text.indexOf("then", at);
            if (then < 0) {
                return thenLine;
            }
            int line = thenLine;
            for (int i = then + 4; i < text.length() && Character.isWhitespace(text.charAt(i)); i++) {
                line += text.charAt(i) == '\n' ? 1 : 0;
            }
            return line;
        }

        private void add(int line, String message) {
            if (reported.add(line + message)) {
                problems.add(Problem.error(source.display(), Math.max(line, 0), 0, message));
            }
        }

        private static String ucFirst(String name) {
            return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
    }
}
