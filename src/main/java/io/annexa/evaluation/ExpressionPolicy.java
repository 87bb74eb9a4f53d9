package io.annexa.evaluation;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one expression that MVEL evaluates at run time (a pattern constraint, a {@code from} source, an accumulate
 * argument, a {@code salience}/{@code enabled} value): it is never bytecode at build time, so it is judged by its
 * text, conservatively. Refused: statement syntax (MVEL would run a script), class names that do not resolve to a
 * class of {@link BytecodePolicy}, members that reach reflection or class loading, and {@code new} of anything else.
 */
final class ExpressionPolicy {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    /** A dotted name, with whether a dot precedes it (then it is a member of something, not a class). */
    private static final Pattern NAME = Pattern.compile("(\\.\\s*)?([A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*)");
    /** A single '=' is an assignment; '==', '!=', '<=', '>=', ':=' (unification) are not. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(?<![=!<>:~])=(?!=)");
    private static final Set<String> STATEMENT_WORDS = Set.of("with", "def", "function", "import", "foreach", "while",
            "for", "do", "if", "else", "return", "var", "until", "switch", "case", "throw", "try", "modify");
    private static final Set<String> REFUSED_MEMBERS = Set.of("getClass", "class", "forName", "getClassLoader",
            "loadClass", "newInstance", "invoke", "invokeExact", "getMethod", "getMethods", "getDeclaredMethod",
            "getDeclaredMethods", "getField", "getFields", "getDeclaredField", "getDeclaredFields", "getConstructor",
            "getDeclaredConstructor", "getConstructors", "setAccessible", "getRuntime", "exec", "exit", "halt",
            "getKieRuntime", "getKieBase", "getWorkingMemory", "getEnvironment", "getSystemClassLoader",
            "getContextClassLoader", "lookup", "wait", "notify", "notifyAll");
    private static final Set<String> PACKAGE_ROOTS = Set.of("java", "javax", "jakarta", "jdk", "sun", "com", "org",
            "net", "io", "mvel", "mvel2");
    private static final Set<String> LITERALS = Set.of("true", "false", "null", "this", "instanceof", "matches",
            "memberOf", "contains", "soundslike", "str", "in", "not", "excludes", "after", "before", "coincides",
            "during", "finishes", "finishedby", "includes", "meets", "metby", "overlaps", "overlappedby", "starts",
            "startedby", "isA", "new", "int", "long", "double", "float", "boolean", "char", "short", "byte");

    private final List<String> imports;
    private final String drlPackage;
    private final Set<String> declaredTypes;

    /**
     * @param imports       the DRL's imports ({@code io.annexa.evidence.ConfigEntry}, {@code io.annexa.evidence.*})
     * @param declaredTypes simple names of the types the DRL declares itself
     */
    ExpressionPolicy(List<String> imports, String drlPackage, Set<String> declaredTypes) {
        this.imports = imports;
        this.drlPackage = drlPackage;
        this.declaredTypes = declaredTypes;
    }

    /** Why the expression is refused, or empty when it is allowed. */
    Optional<String> refusal(String expression) {
        if (expression == null || expression.isBlank()) {
            return Optional.empty();
        }
        if (expression.contains("@{")) {
            return Optional.of("MVEL template syntax '@{'");
        }
        String code = STRING.matcher(expression).replaceAll("\"\"");
        if (code.contains(";")) {
            return Optional.of("a statement (';')");
        }
        if (ASSIGNMENT.matcher(code).find()) {
            return Optional.of("an assignment ('=')");
        }
        Matcher name = NAME.matcher(code);
        String previous = "";
        while (name.find()) {
            boolean member = name.group(1) != null;
            String dotted = name.group(2).replaceAll("\\s", "");
            if (Character.isDigit(code.charAt(Math.max(0, name.start() - 1))) && name.start() > 0) {
                continue; // the 'L' of 10L, the 's' of a 5s duration
            }
            Optional<String> refused = member ? refusedMembers(dotted) : refusedName(dotted, previous.equals("new"));
            if (refused.isPresent()) {
                return refused;
            }
            previous = dotted;
        }
        return Optional.empty();
    }

    /**
     * Why a type a declaration extends is refused, or empty: it must be a type the DRL declares itself or a class
     * whose every member rule code may use ({@link BytecodePolicy#allowsAsSupertype}).
     */
    Optional<String> typeRefusal(String name) {
        String dotted = name == null ? "" : name.replaceAll("\\s", "");
        String simple = dotted.substring(dotted.lastIndexOf('.') + 1);
        if (declaredTypes.contains(simple) && (dotted.equals(simple) || dotted.equals(drlPackage + "." + simple))) {
            return Optional.empty();
        }
        Optional<String> resolved = dotted.contains(".") ? Optional.of(dotted.replace('.', '/')) : resolve(dotted);
        if (resolved.isPresent() && BytecodePolicy.allowsAsSupertype(resolved.get())) {
            return Optional.empty();
        }
        return Optional.of(dotted + " (not a class rule code may extend)");
    }

    private Optional<String> refusedMembers(String dotted) {
        for (String part : dotted.split("\\.")) {
            if (REFUSED_MEMBERS.contains(part)) {
                return Optional.of("'" + part + "'");
            }
        }
        return Optional.empty();
    }

    private Optional<String> refusedName(String dotted, boolean created) {
        String[] parts = dotted.split("\\.");
        String first = parts[0];
        if (STATEMENT_WORDS.contains(first)) {
            return Optional.of("MVEL statement syntax '" + first + "'");
        }
        // a class is named either by a package path (java.lang.System) or by a capitalised simple name
        int classAt = -1;
        if (Character.isUpperCase(first.charAt(0))) {
            classAt = 0;
        } else if (PACKAGE_ROOTS.contains(first)) {
            for (int i = 1; i < parts.length && classAt < 0; i++) {
                classAt = Character.isUpperCase(parts[i].charAt(0)) ? i : -1;
            }
            if (classAt < 0) {
                return Optional.of("'" + dotted + "' (a package path)");
            }
        }
        if (classAt < 0) {
            if (created && !LITERALS.contains(first)) {
                return Optional.of("'new " + first + "'");
            }
            return refusedMembers(dotted); // a binding, a field or a function of the DRL
        }
        String simpleOrQualified = String.join(".", java.util.Arrays.copyOfRange(parts, 0, classAt + 1));
        Optional<String> resolved = classAt == 0 ? resolve(first) : BytecodePolicy.allowedClass(simpleOrQualified);
        if (resolved.isEmpty()) {
            return Optional.of(simpleOrQualified + " (not a class rule code may use)");
        }
        if (resolved.get().startsWith(drlPackage.replace('.', '/') + "/")) {
            return refusedMembers(dotted);
        }
        if (classAt + 1 < parts.length) {
            String memberName = parts[classAt + 1];
            if (REFUSED_MEMBERS.contains(memberName) || !BytecodePolicy.allows(resolved.get(), memberName)) {
                return Optional.of(resolved.get().replace('/', '.') + "." + memberName);
            }
        }
        return refusedMembers(dotted);
    }

    /** The allowed class a simple name stands for: a declared type, an import, or java.lang. */
    private Optional<String> resolve(String simpleName) {
        if (declaredTypes.contains(simpleName)) {
            return Optional.of(drlPackage.replace('.', '/') + "/" + simpleName);
        }
        for (String imported : imports) {
            if (imported.endsWith("." + simpleName)) {
                return BytecodePolicy.allowedClass(imported);
            }
        }
        for (String imported : imports) {
            if (imported.endsWith(".*")) {
                Optional<String> found = BytecodePolicy.allowedClass(imported.substring(0, imported.length() - 1) + simpleName);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return BytecodePolicy.allowedClass("java.lang." + simpleName);
    }
}
