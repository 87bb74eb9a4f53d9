package io.annexa.evaluation;

import io.annexa.evaluation.ClassReferences.Inspected;
import io.annexa.evaluation.ClassReferences.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.rule.LineMappings;
import org.drools.compiler.builder.impl.KnowledgeBuilderImpl;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BehaviorDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.FunctionImportDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.ast.descr.TypeDeclarationDescr;
import org.drools.drl.ast.descr.TypeFieldDescr;
import org.kie.api.builder.KieModule;

/**
 * Keeps rule code from reaching anything but facts, the rule API and plain Java values, before a rule goes into a
 * session: DRL consequences are Java and would otherwise run with the service's rights.
 *
 * <p>Compiled code (consequences, functions, {@code eval}s, inline accumulate code, Drools' invokers) is judged by
 * its bytecode, every reference checked against {@link BytecodePolicy}. What MVEL evaluates at run time (pattern
 * constraints, {@code from}, accumulate arguments, expression attributes) is judged by its text with
 * {@link ExpressionPolicy}; {@code dialect "mvel"} is refused outright, so that every consequence is bytecode.
 * Each rule is its own DRL package, so a class's package tells whose code it is.
 */
public final class RuleSandbox {

    /** A rule's DRL as the library knows it: where it is shown, and its text (for consequence lines). */
    record Source(String display, String text) {
    }

    private static final Set<String> SERIALIZABLE = Set.of("java/io/Externalizable", "java/io/Serializable");
    private static final Pattern DIALECT = Pattern.compile("\\bdialect\\s+[\"']?([\\w-]*)");
    private static final String SANDBOX = " — not allowed in rule code (sandbox)";

    private RuleSandbox() {
    }

    /**
     * Problems of every rule package of the built module whose code reaches outside the allow-lists.
     *
     * @param sources DRL package → its file
     */
    static List<Problem> check(KieModule module, Map<String, Source> sources) {
        InternalKieModule internal = (InternalKieModule) module;
        List<Problem> problems = new ArrayList<>();
        for (String kieBase : internal.getKieModuleModel().getKieBaseModels().keySet()) {
            KnowledgeBuilderImpl builder = internal.getKnowledgeBuilderForKieBase(kieBase) instanceof KnowledgeBuilderImpl impl ? impl : null;
            for (var kiePackage : internal.getKnowledgePackagesForKieBase(kieBase)) {
                Source source = sources.get(kiePackage.getName());
                if (source == null) {
                    continue; // java.lang, io.annexa.evidence...: packages the imports named, holding no code of a rule
                }
                List<PackageDescr> descrs = builder == null ? null : builder.getPackageDescrs(kiePackage.getName());
                if (descrs == null || descrs.isEmpty()) {
                    problems.add(Problem.error(source.display(), "the sandbox cannot read this rule's structure; it is not loaded (sandbox)"));
                    continue;
                }
                new PackageCheck((InternalKnowledgePackage) kiePackage, descrs, source, problems).run();
            }
        }
        return problems;
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
                checkExpressions(descr);
            }
            checkDialects();
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

        /** @return whether the class may run */
        private boolean checkClass(Inspected inspected) {
            String name = inspected.name();
            String ruleClass = rulesByClass.keySet().stream().filter(name::startsWith)
                    .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
            // Drools names an invoker after its rule class (which may hold '$', escaping the rule name's symbols)
            boolean invoker = ruleClass != null && name.endsWith("Invoker")
                    && !name.substring(ruleClass.length()).contains("$") && !functionsByClass.containsKey(name);
            for (Reference reference : inspected.references()) {
                if (reference.owner().startsWith(internalPackage) && !reference.owner().substring(internalPackage.length()).contains("/")) {
                    continue; // the rule's own generated classes, inspected themselves
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

        /**
         * Refuses {@code dialect "mvel"}, read from the DRL text itself: the compiled descriptors carry the dialect
         * Drools settled on, not always what the author wrote. A match in a comment refuses too, which is harmless.
         */
        private void checkDialects() {
            Matcher dialect = DIALECT.matcher(source.text());
            while (dialect.find()) {
                if (!dialect.group(1).equals("java")) {
                    int line = (int) source.text().substring(0, dialect.start()).chars().filter(c -> c == '\n').count() + 1;
                    String rule = descrs.stream().flatMap(d -> d.getRules().stream()).filter(r -> r.getLine() <= line)
                            .reduce((a, b) -> b).map(r -> "rule " + r.getName() + ": ").orElse("");
                    add(line, rule + "dialect \"" + dialect.group(1) + "\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
                }
            }
        }

        private void checkExpressions(PackageDescr descr) {
            List<String> imports = descr.getImports().stream().map(ImportDescr::getTarget).toList();
            Set<String> declared = new HashSet<>();
            descr.getTypeDeclarations().forEach(type -> declared.add(type.getTypeName()));
            ExpressionPolicy policy = new ExpressionPolicy(imports, descr.getName(), declared);
            for (FunctionImportDescr function : descr.getFunctionImports()) {
                String target = function.getTarget();
                int dot = target.lastIndexOf('.');
                if (dot < 0 || !BytecodePolicy.allows(target.substring(0, dot).replace('.', '/'), target.substring(dot + 1))) {
                    add(function.getLine(), "import function " + target + SANDBOX);
                }
            }
            descr.getAccumulateImports().forEach(imported -> add(imported.getLine(), "import accumulate " + imported.getTarget() + SANDBOX));
            for (TypeDeclarationDescr type : descr.getTypeDeclarations()) {
                for (TypeFieldDescr field : type.getFields().values()) {
                    String init = field.getInitExpr();
                    policy.refusal(init).ifPresent(why -> add(field.getLine(), "declare " + type.getTypeName() + ": field "
                            + field.getFieldName() + " initialised with " + why + SANDBOX));
                }
            }
            for (RuleDescr rule : descr.getRules()) {
                for (AttributeDescr attribute : rule.getAttributes().values()) {
                    if (Set.of("salience", "enabled", "duration").contains(attribute.getName())) {
                        expression(policy, rule, attribute.getLine() > 0 ? attribute.getLine() : rule.getLine(), attribute.getValue());
                    }
                }
                walk(policy, rule, rule.getLhs(), rule.getLine());
            }
        }

        private void walk(ExpressionPolicy policy, RuleDescr rule, BaseDescr descr, int outerLine) {
            if (descr == null || descr instanceof EvalDescr) {
                return; // an eval is compiled Java: its bytecode is checked
            }
            int line = descr.getLine() > 0 ? descr.getLine() : outerLine;
            if (descr instanceof PatternDescr pattern) {
                if (pattern.getObjectType() != null) {
                    expression(policy, rule, line, pattern.getObjectType());
                }
                walk(policy, rule, (BaseDescr) pattern.getConstraint(), line);
                walk(policy, rule, pattern.getSource(), line);
                for (BehaviorDescr behavior : pattern.getBehaviors()) {
                    behavior.getParameters().forEach(parameter -> expression(policy, rule, line, parameter));
                }
                return;
            }
            if (descr instanceof ExprConstraintDescr constraint) {
                expression(policy, rule, line, constraint.getExpression());
            } else if (descr instanceof BindingDescr binding) {
                expression(policy, rule, line, binding.getExpression());
            } else if (descr instanceof FromDescr from) {
                expression(policy, rule, line, from.getDataSource() == null ? from.getText() : from.getDataSource().getText());
            } else if (descr instanceof AccumulateDescr accumulate) {
                for (AccumulateDescr.AccumulateFunctionCallDescr function : accumulate.getFunctions()) {
                    for (String parameter : function.getParams()) {
                        expression(policy, rule, line, parameter);
                    }
                }
                // inline init/action/reverse/result code is compiled Java, checked in bytecode
            }
            if (descr instanceof ConditionalElementDescr element) {
                for (BaseDescr child : element.getDescrs()) {
                    walk(policy, rule, child, line);
                }
            }
        }

        private void expression(ExpressionPolicy policy, RuleDescr rule, int line, String text) {
            Optional<String> refusal = policy.refusal(text);
            refusal.ifPresent(why -> add(line,
                    "rule " + rule.getName() + " uses " + why + " in '" + text.strip() + "'" + SANDBOX));
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
