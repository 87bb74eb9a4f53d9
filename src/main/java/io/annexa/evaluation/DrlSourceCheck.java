package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.compiler.builder.impl.KnowledgeBuilderRulesConfigurationImpl;
import org.drools.drl.ast.descr.AbstractClassTypeDeclarationDescr;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AnnotatedBaseDescr;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BehaviorDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalBranchDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.EntryPointDescr;
import org.drools.drl.ast.descr.EnumDeclarationDescr;
import org.drools.drl.ast.descr.EnumLiteralDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.FunctionImportDescr;
import org.drools.drl.ast.descr.GroupByDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.NamedConsequenceDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.QualifiedName;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.ast.descr.TypeFieldDescr;
import org.drools.drl.ast.descr.WindowDeclarationDescr;
import org.drools.drl.ast.descr.WindowReferenceDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsError;
import org.drools.drl.parser.DroolsParserException;
import org.drools.drl.parser.ParserError;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * The checks a rule's DRL gets before it is compiled, on the file as Drools' own parser reads it (the parser and
 * language level the compiler uses, so what is checked is what is compiled).
 *
 * <p>The package comes from the parsed file, never from a search in its text: a {@code package} line in a comment is
 * no package. It must be the rule folder's path, as the bytecode check tells whose code a class is by its package.
 *
 * <p>Everything MVEL evaluates is judged here, by its text ({@link ExpressionPolicy}), and not after the build:
 * Drools evaluates some of it while it compiles (rule metadata, {@code calendars}, declared field initialisers,
 * enum constants, literal query arguments), so a file that fails here is never handed to the compiler. The walk is an
 * allow-list of the DRL's constructs: one the sandbox does not know is refused, not skipped.
 */
final class DrlSourceCheck {

    /** What the check found, and the parsed file when it parsed. */
    record Result(Optional<PackageDescr> parsed, List<Problem> problems) {

        /** Whether the file may be handed to the compiler: it parsed and nothing here is an error. */
        boolean compilable() {
            return parsed.isPresent() && problems.stream().noneMatch(Problem::isError);
        }
    }

    private static final String SANDBOX = " — not allowed in rule code (sandbox)";
    /** Where the DRL parser saw a syntax error, as it writes it in its message ("Line 12:0", column from 0). */
    static final Pattern PARSER_POSITION = Pattern.compile("\\bLine (\\d+):(\\d+)\\b");
    /** Rule attributes whose value is a plain name or date, never evaluated; every other value is checked as MVEL. */
    private static final Set<String> LITERAL_ATTRIBUTES = Set.of("agenda-group", "activation-group", "ruleflow-group",
            "date-effective", "date-expires");
    private static final LanguageLevelOption LANGUAGE_LEVEL = KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration()
            .as(KnowledgeBuilderRulesConfigurationImpl.KEY).getLanguageLevel();

    private final RuleSandbox.Source source;
    private final String drlPackage;
    private final PackageDescr descr;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();
    private ExpressionPolicy policy;

    private DrlSourceCheck(RuleSandbox.Source source, String drlPackage, PackageDescr descr) {
        this.source = source;
        this.drlPackage = drlPackage;
        this.descr = descr;
    }

    /**
     * @param drlPackage the rule folder's path, the package the file must declare
     * @param sandboxed  false only to measure what the sandbox costs: then the package is still checked (a file
     *                   whose package is not its folder's is an error in any case), nothing else
     */
    static Result check(RuleSandbox.Source source, String drlPackage, boolean sandboxed) {
        DrlParser parser = new DrlParser(LANGUAGE_LEVEL);
        PackageDescr parsed;
        try {
            parsed = parser.parse(false, source.text());
        } catch (DroolsParserException | RuntimeException e) {
            return new Result(Optional.empty(), List.of(Problem.error(source.display(), "cannot be parsed: " + e.getMessage())));
        }
        if (parser.hasErrors() || parsed == null) {
            List<Problem> errors = new ArrayList<>();
            for (DroolsError error : parser.getErrors()) {
                errors.add(syntaxError(source.display(), error));
            }
            if (errors.isEmpty()) {
                errors.add(Problem.error(source.display(), "cannot be parsed"));
            }
            return new Result(Optional.empty(), errors);
        }
        DrlSourceCheck check = new DrlSourceCheck(source, drlPackage, parsed);
        check.checkPackage();
        if (sandboxed) {
            check.checkCode();
        }
        return new Result(Optional.of(parsed), List.copyOf(check.problems));
    }

    /** A parser error as the compiler reports it, with the column its message gives ("Line 12:0" is column 1). */
    private static Problem syntaxError(String display, DroolsError error) {
        int line = error instanceof ParserError parserError ? parserError.getRow()
                : error.getLines() != null && error.getLines().length > 0 ? error.getLines()[0] : 0;
        int column = 0;
        Matcher position = PARSER_POSITION.matcher(error.getMessage());
        if (line > 0 && position.find() && Integer.parseInt(position.group(1)) == line) {
            column = Integer.parseInt(position.group(2)) + 1;
        }
        return Problem.error(display, Math.max(line, 0), column, error.getMessage().strip());
    }

    private void checkPackage() {
        String declared = descr.getName() == null ? "" : descr.getName().strip();
        if (declared.isEmpty()) {
            problems.add(Problem.error(source.display(), "has no package declaration; it must be 'package " + drlPackage + ";'"));
            return;
        }
        if (declared.equals(drlPackage)) {
            return;
        }
        String text = source.text();
        int keyword = Math.max(descr.getStartCharacter(), 0);
        int name = text.indexOf(declared, keyword);
        int at = name >= 0 ? name : keyword;
        int line = lineOf(at);
        int column = at - text.lastIndexOf('\n', at - 1);
        String rules = descr.getRules().stream().map(RuleDescr::getName).distinct().reduce((a, b) -> a + ", " + b)
                .map(names -> (descr.getRules().size() == 1 ? "rule " : "rules ") + names + ": ").orElse("");
        problems.add(Problem.error(source.display(), line, column, rules + "package '" + declared
                + "' must be the rule folder's path '" + drlPackage + "': a rule's code is compiled, and checked, in its"
                + " folder's package only (sandbox)"));
    }

    private void checkCode() {
        List<String> imports = descr.getImports().stream().map(ImportDescr::getTarget).toList();
        Set<String> declared = new HashSet<>();
        descr.getClassAndEnumDeclarationDescrs().forEach(type -> declared.add(type.getTypeName()));
        policy = new ExpressionPolicy(imports, drlPackage, declared);
        if (descr.getUnit() != null) {
            add(descr.getUnit().getLine(), "unit " + descr.getUnit().getTarget() + ": rule units are not supported" + SANDBOX);
        }
        for (AttributeDescr attribute : descr.getAttributes()) {
            attribute(null, attribute, descr.getLine());
        }
        for (FunctionImportDescr function : descr.getFunctionImports()) {
            String target = function.getTarget();
            int dot = target.lastIndexOf('.');
            if (dot < 0 || !BytecodePolicy.allows(target.substring(0, dot).replace('.', '/'), target.substring(dot + 1))) {
                add(function.getLine(), "import function " + target + SANDBOX);
            }
        }
        descr.getAccumulateImports().forEach(imported -> add(imported.getLine(), "import accumulate " + imported.getTarget() + SANDBOX));
        for (FunctionDescr function : descr.getFunctions()) {
            if (function.getDialect() != null && !function.getDialect().equals("java")) {
                add(function.getLine(), "function " + function.getName() + ": dialect \"" + function.getDialect()
                        + "\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
            }
        }
        for (AbstractClassTypeDeclarationDescr type : descr.getClassAndEnumDeclarationDescrs()) {
            declaration(type, imports);
        }
        descr.getEntryPointDeclarations().forEach(entryPoint -> annotations("declare entry-point " + entryPoint.getEntryPointId(),
                entryPoint, entryPoint.getLine()));
        for (WindowDeclarationDescr window : descr.getWindowDeclarations()) {
            String who = "declare window " + window.getName();
            annotations(who, window, window.getLine());
            walk(who, window.getPattern(), window.getLine());
        }
        for (RuleDescr rule : descr.getRules()) {
            String who = (rule.isQuery() ? "query " : "rule ") + rule.getName();
            if (rule.getUnit() != null) {
                add(rule.getLine(), who + ": rule units are not supported" + SANDBOX);
            }
            for (AttributeDescr attribute : rule.getAttributes().values()) {
                attribute(who, attribute, rule.getLine());
            }
            annotations(who, rule, rule.getLine());
            walk(who, rule.getLhs(), rule.getLine());
        }
    }

    /** An attribute of a rule ({@code who}) or, {@code who} null, of the whole file. */
    private void attribute(String who, AttributeDescr attribute, int outerLine) {
        int line = attribute.getLine() > 0 ? attribute.getLine() : outerLine;
        String prefix = who == null ? "" : who + " ";
        String name = attribute.getName();
        String value = attribute.getValue();
        if (name.equals("dialect")) {
            if (!"java".equals(value == null ? null : value.strip())) {
                add(line, (who == null ? "" : who + ": ") + "dialect \"" + value + "\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
            }
        } else if (!LITERAL_ATTRIBUTES.contains(name)) {
            policy.refusal(value).ifPresent(why -> add(line, prefix + "uses " + why + " in " + name + " '" + strip(value) + "'" + SANDBOX));
        }
    }

    private void declaration(AbstractClassTypeDeclarationDescr type, List<String> imports) {
        String kind = type instanceof EnumDeclarationDescr ? "declare enum " : "declare ";
        String who = kind + type.getTypeName();
        int line = type.getLine();
        String namespace = type.getNamespace() == null || type.getNamespace().isBlank() ? drlPackage : type.getNamespace().strip();
        if (!namespace.equals(drlPackage) || type.getTypeName().contains(".")) {
            add(line, who + ": a rule declares types in its own package only, not in " + namespace + SANDBOX);
        } else {
            existingClass(type.getTypeName(), imports).ifPresent(existing -> add(line, who + ": " + existing
                    + " exists already and is shared by every rule; a rule may declare new types of its own only" + SANDBOX));
        }
        for (QualifiedName superType : type.getSuperTypes()) {
            if (type instanceof EnumDeclarationDescr && superType.getFullName().equals("java.lang.Enum")) {
                continue; // what every enum extends, as the parser records it
            }
            policy.typeRefusal(superType.getFullName()).ifPresent(why -> add(line, who + " extends " + why + SANDBOX));
        }
        annotations(who, type, line);
        for (TypeFieldDescr field : type.getFields().values()) {
            int fieldLine = field.getLine() > 0 ? field.getLine() : line;
            String init = field.getInitExpr();
            policy.refusal(init).ifPresent(why -> add(fieldLine, who + ": field " + field.getFieldName() + " initialised with " + why + SANDBOX));
            annotations(who + ": field " + field.getFieldName(), field, fieldLine);
        }
        if (type instanceof EnumDeclarationDescr enumeration) {
            for (EnumLiteralDescr literal : enumeration.getLiterals()) {
                int literalLine = literal.getLine() > 0 ? literal.getLine() : line;
                for (String argument : literal.getConstructorArgs()) {
                    policy.refusal(argument).ifPresent(why -> add(literalLine, who + ": constant " + literal.getName()
                            + " made with " + why + " in '" + strip(argument) + "'" + SANDBOX));
                }
                annotations(who + ": constant " + literal.getName(), literal, literalLine);
            }
        }
    }

    /**
     * The class an undotted declared name would stand for already (an import, a class of a package imported with
     * {@code .*}, {@code java.lang}): Drools then takes the declaration as one about that class, which every rule of
     * the KieBase shares (declaring an evidence type an event changes what every other rule sees).
     */
    private static Optional<String> existingClass(String name, List<String> imports) {
        for (String imported : imports) {
            if (imported.equals(name) || imported.endsWith("." + name)) {
                return Optional.of(imported);
            }
        }
        List<String> candidates = new ArrayList<>();
        for (String imported : imports) {
            if (imported.endsWith(".*")) {
                candidates.add(imported.substring(0, imported.length() - 1) + name);
            }
        }
        candidates.add("java.lang." + name);
        return candidates.stream().filter(DrlSourceCheck::loadable).findFirst();
    }

    /**
     * Whether a type name, as written in the DRL, stands for a class (loaded, not initialised), a type the DRL declares
     * or one nested in either; when unsure, it does (and is checked).
     */
    private boolean isClass(String written) {
        String name = written.replaceAll("\\s", "").replaceAll("<.*>", "");
        String first = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (descr.getClassAndEnumDeclarationDescrs().stream().anyMatch(type -> type.getTypeName().equals(first))
                || existingClass(first, descr.getImports().stream().map(ImportDescr::getTarget).toList()).isPresent()) {
            return true;
        }
        for (String candidate = name; candidate.contains("."); ) {
            if (loadable(candidate)) {
                return true;
            }
            int dot = candidate.lastIndexOf('.');
            candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
        }
        return !name.matches("[\\w.$]+"); // not a plain name: let the policy judge it
    }

    private static boolean loadable(String binaryName) {
        try {
            Class.forName(binaryName, false, DrlSourceCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Every value of every annotation of {@code annotated}: Drools evaluates some as MVEL (rule metadata, {@code @timestamp}). */
    private void annotations(String who, AnnotatedBaseDescr annotated, int outerLine) {
        for (AnnotationDescr annotation : annotated.getAnnotations()) {
            int line = annotationLine(annotated, annotation, outerLine);
            for (Map.Entry<String, Object> value : annotation.getValueMap().entrySet()) {
                annotationValue(who, annotation.getName(), line, value.getValue());
            }
        }
    }

    /** The parser keeps no line for most annotations: the first {@code @name} from where the annotated element starts. */
    private int annotationLine(AnnotatedBaseDescr annotated, AnnotationDescr annotation, int outerLine) {
        if (annotation.getLine() > 0) {
            return annotation.getLine();
        }
        int from = annotation.getStartCharacter() >= 0 ? annotation.getStartCharacter() : Math.max(annotated.getStartCharacter(), 0);
        Matcher at = Pattern.compile("@\\s*" + Pattern.quote(annotation.getName()) + "\\b").matcher(source.text());
        return at.find(Math.min(from, source.text().length())) ? lineOf(at.start()) : outerLine;
    }

    private void annotationValue(String who, String annotation, int line, Object value) {
        if (value instanceof AnnotationDescr nested) {
            nested.getValueMap().values().forEach(inner -> annotationValue(who, annotation, line, inner));
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                annotationValue(who, annotation, line, element);
            }
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(element -> annotationValue(who, annotation, line, element));
        } else if (value != null) {
            String text = value.toString();
            policy.refusal(text).ifPresent(why -> add(line, who + ": @" + annotation + " uses " + why + " in '" + strip(text) + "'" + SANDBOX));
        }
    }

    /**
     * The conditions below {@code element}. Compiled code ({@code eval}, an {@code if} branch's condition, inline
     * accumulate code) is left to the bytecode check; every expression MVEL evaluates is checked here.
     */
    private void walk(String who, BaseDescr element, int outerLine) {
        if (element == null) {
            return;
        }
        int line = element.getLine() > 0 ? element.getLine() : outerLine;
        if (element instanceof EvalDescr || element instanceof NamedConsequenceDescr
                || element instanceof EntryPointDescr || element instanceof WindowReferenceDescr) {
            return; // compiled Java, checked in its bytecode; do[name] names a compiled consequence; names of sources
        }
        if (element instanceof ConditionalBranchDescr branch) {
            walk(who, branch.getElseBranch(), line); // its condition is an eval
        } else if (element instanceof PatternDescr pattern) {
            pattern(who, pattern, line);
        } else if (element instanceof ExprConstraintDescr constraint) {
            expression(who, line, constraint.getExpression());
        } else if (element instanceof BindingDescr binding) {
            expression(who, line, binding.getExpression());
        } else if (element instanceof FromDescr from) {
            expression(who, line, from.getDataSource() == null ? from.getText() : from.getDataSource().getText());
        } else if (element instanceof GroupByDescr groupBy) {
            expression(who, line, groupBy.getGroupingKey());
            expression(who, line, groupBy.getGroupingFunction());
            accumulate(who, groupBy, line);
        } else if (element instanceof AccumulateDescr accumulate) {
            accumulate(who, accumulate, line);
        } else if (element instanceof CollectDescr collect) {
            walk(who, collect.getInputPattern(), line);
        } else if (element instanceof ConditionalElementDescr conditional) { // and, or, not, exists, forall
            for (BaseDescr nested : conditional.getDescrs()) {
                walk(who, nested, line);
            }
        } else {
            add(line, who + ": the sandbox cannot inspect " + element.getClass().getSimpleName().replace("Descr", "")
                    + " '" + strip(element.getText()) + "', so it is refused (sandbox)");
        }
    }

    private void pattern(String who, PatternDescr pattern, int line) {
        // A pattern's type only says which facts it matches. One that names no class at all is left to the compiler,
        // which reports it as the author expects ("Unable to resolve ObjectType"); one that does must be allowed.
        if (pattern.getObjectType() != null && isClass(pattern.getObjectType())) {
            expression(who, line, pattern.getObjectType());
        }
        annotations(who, pattern, line);
        for (BaseDescr constraint : pattern.getDescrs()) {
            walk(who, constraint, line);
        }
        walk(who, pattern.getSource(), line);
        for (BehaviorDescr behavior : pattern.getBehaviors()) {
            behavior.getParameters().forEach(parameter -> expression(who, line, parameter));
        }
    }

    private void accumulate(String who, AccumulateDescr accumulate, int line) {
        walk(who, accumulate.getInput(), line);
        for (AccumulateDescr.AccumulateFunctionCallDescr function : accumulate.getFunctions()) {
            for (String parameter : function.getParams()) {
                expression(who, line, parameter);
            }
        }
        // inline init/action/reverse/result code is compiled Java, checked in bytecode
    }

    private void expression(String who, int line, String text) {
        policy.refusal(text).ifPresent(why -> add(line, who + " uses " + why + " in '" + strip(text) + "'" + SANDBOX));
    }

    private void add(int line, String message) {
        if (reported.add(line + message)) {
            problems.add(Problem.error(source.display(), Math.max(line, 0), 0, message));
        }
    }

    private int lineOf(int offset) {
        return (int) source.text().substring(0, Math.min(offset, source.text().length())).chars().filter(c -> c == '\n').count() + 1;
    }

    private static String strip(String text) {
        return text == null ? "" : text.strip();
    }
}
