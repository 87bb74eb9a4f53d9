package io.annexa.evaluation;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What compiled rule code may reach: an allow-list of classes and members, by JVM internal name
 * ({@code java/lang/String}). Anything not listed is refused, so a class the JDK adds tomorrow is refused too.
 *
 * <p>Two tiers. Rule code (consequences, functions, {@code eval}s, inline accumulate code, anything ECJ compiled
 * from DRL text) gets {@link #allows}. Drools' own invoker classes, generated from fixed templates into which no
 * rule text goes (only class, method and declaration names), also get {@link #allowsInInvoker}: the engine's
 * plumbing they call ({@code ConsequenceGenerator}, {@code MethodComparator}, {@code getClass()}) would be an
 * escape if rule code could call it with arguments of its choosing.
 */
final class BytecodePolicy {

    /** Whole packages (not their sub-packages): value types and pure functions, no I/O, no threads, no reflection. */
    private static final Set<String> PACKAGES = Set.of(
            "io/annexa/evidence", "java/time", "java/time/format", "java/time/temporal", "java/time/chrono",
            "java/util/function", "java/util/stream", "java/util/regex");

    /** Single classes; every member allowed unless {@link #REFUSED_MEMBERS} says otherwise. */
    private static final Set<String> CLASSES = Set.of(
            // java.lang: text, numbers, the boxed types, the exceptions rule code throws or catches
            "java/lang/Object", "java/lang/String", "java/lang/StringBuilder", "java/lang/CharSequence",
            "java/lang/Math", "java/lang/StrictMath", "java/lang/Number", "java/lang/Boolean", "java/lang/Byte",
            "java/lang/Short", "java/lang/Integer", "java/lang/Long", "java/lang/Float", "java/lang/Double",
            "java/lang/Character", "java/lang/Comparable", "java/lang/Iterable",
            "java/lang/Exception", "java/lang/RuntimeException", "java/lang/IllegalArgumentException",
            "java/lang/IllegalStateException", "java/lang/NumberFormatException", "java/lang/ArithmeticException",
            "java/lang/NullPointerException", "java/lang/IndexOutOfBoundsException",
            "java/lang/ArrayIndexOutOfBoundsException", "java/lang/StringIndexOutOfBoundsException",
            "java/lang/UnsupportedOperationException", "java/lang/ClassCastException",
            // java.util: collections and small value types; not Scanner/Formatter/Properties (files), Timer,
            // ServiceLoader, ResourceBundle, nor java.util.concurrent
            "java/util/Collection", "java/util/List", "java/util/ArrayList", "java/util/LinkedList", "java/util/Set",
            "java/util/HashSet", "java/util/LinkedHashSet", "java/util/TreeSet", "java/util/SortedSet",
            "java/util/NavigableSet", "java/util/Map", "java/util/Map$Entry", "java/util/HashMap",
            "java/util/LinkedHashMap", "java/util/TreeMap", "java/util/SortedMap", "java/util/NavigableMap",
            "java/util/AbstractMap$SimpleEntry", "java/util/AbstractMap$SimpleImmutableEntry",
            "java/util/Queue", "java/util/Deque", "java/util/ArrayDeque", "java/util/PriorityQueue",
            "java/util/Iterator", "java/util/ListIterator", "java/util/Collections", "java/util/Arrays",
            "java/util/Comparator", "java/util/Objects", "java/util/Optional", "java/util/OptionalInt",
            "java/util/OptionalLong", "java/util/OptionalDouble", "java/util/StringJoiner", "java/util/Locale",
            "java/util/NoSuchElementException", "java/util/BitSet",
            // the rule API
            "io/annexa/evaluation/FindingFactory", "io/annexa/evaluation/Finding", "io/annexa/evaluation/EventWindow",
            "io/annexa/evaluation/Tick", "io/annexa/evaluation/WeeklySchedule", "io/annexa/evaluation/Severity",
            "io/annexa/evaluation/Burst", "io/annexa/evaluation/Counting",
            // what the Drools compiler generates into consequences and rule classes (collected from building the
            // whole shipped library): the fact handle, the rule context passed to findings.of, modify's bit mask
            "org/kie/api/runtime/rule/FactHandle", "org/kie/api/runtime/rule/RuleContext",
            "org/drools/util/bitmask/BitMask", "org/drools/util/bitmask/LongBitMask",
            "org/drools/util/bitmask/AllSetBitMask", "org/drools/util/bitmask/EmptyBitMask");

    /** Single members of classes that are otherwise refused. */
    private static final Map<String, Set<String>> MEMBERS = Map.of(
            "java/lang/System", Set.of("currentTimeMillis", "nanoTime", "lineSeparator", "arraycopy"),
            // drools.* in a consequence: the working memory operations, nothing that reaches the runtime or the KieBase
            "org/drools/core/rule/consequence/KnowledgeHelper", Set.of("insert", "insertLogical", "update", "delete",
                    "retract", "modify", "getRule", "getMatch", "getFactHandle"),
            "org/kie/api/definition/rule/Rule", Set.of("getName", "getPackageName", "getId"),
            // constants the compiler puts in return-value rule code ({@code field == $x + 1})
            "org/drools/mvel/field/FieldFactory", Set.of("getInstance", "getFieldValue"),
            "org/drools/base/rule/accessor/FieldValue", Set.of());

    /** Members of allowed classes that are not: reflection, JVM-wide state, blocking on monitors, system properties. */
    private static final Map<String, Set<String>> REFUSED_MEMBERS = Map.of(
            "java/lang/Object", Set.of("getClass", "wait", "notify", "notifyAll"),
            "java/lang/Integer", Set.of("getInteger"),
            "java/lang/Long", Set.of("getLong"),
            "java/lang/Boolean", Set.of("getBoolean"),
            "java/util/Locale", Set.of("setDefault"));

    /**
     * Object's members that reach the class or block on monitors, refused whatever the receiver's type: the
     * compiler names the receiver's static type as the owner ({@code "x".getClass()} is {@code String.getClass}).
     */
    static final Set<String> OBJECT_MONITORS_AND_CLASS = Set.of("getClass", "wait", "notify", "notifyAll");

    /** Engine plumbing that only Drools' template-generated invokers may use. */
    private static final Set<String> INVOKER_PREFIXES = Set.of("org/drools/", "org/kie/");

    /** The accumulate invoker template compares its rule class's bytecode, read as a class-path resource. */
    private static final Set<String> INVOKER_MEMBERS = Set.of(
            "java/lang/Object.getClass", "java/lang/Class.getClassLoader", "java/lang/ClassLoader.getResourceAsStream",
            "java/io/InputStream.close", "java/io/InputStream.read", "java/io/IOException.", "java/io/InputStream.",
            "java/lang/Class.", "java/lang/ClassLoader.", "java/io/ByteArrayOutputStream.",
            "java/io/ByteArrayOutputStream.<init>", "java/io/ByteArrayOutputStream.write", "java/io/ByteArrayOutputStream.toString");

    private BytecodePolicy() {
    }

    /**
     * Whether rule code may use the class (member empty) or one of its members.
     * Arrays of allowed classes and primitive types are allowed; the caller passes element types.
     */
    static boolean allows(String owner, String member) {
        String type = owner.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
        Set<String> refused = REFUSED_MEMBERS.get(type);
        if (refused != null && refused.contains(member) || OBJECT_MONITORS_AND_CLASS.contains(member)) {
            return false;
        }
        if (CLASSES.contains(type) || PACKAGES.contains(packageOf(type))) {
            return !type.startsWith("java/time/zone/");
        }
        Set<String> members = MEMBERS.get(type);
        if (members == null) {
            return false;
        }
        return member.isEmpty() ? type.startsWith("org/") : members.contains(member);
    }

    static boolean allowsInInvoker(String owner, String member) {
        if (allows(owner, member)) {
            return true;
        }
        if (INVOKER_MEMBERS.contains(owner + "." + member)) {
            return true;
        }
        return INVOKER_PREFIXES.stream().anyMatch(owner::startsWith);
    }

    /** The allowed class a simple or dotted Java name stands for, if it is one ({@code java.lang.Math}). */
    static Optional<String> allowedClass(String binaryName) {
        String internal = binaryName.replace('.', '/');
        return allows(internal, "") || MEMBERS.containsKey(internal) ? Optional.of(internal) : Optional.empty();
    }

    /**
     * Whether a type a DRL declares may extend the class: only one whose every member rule code may use, as the
     * declared type's inherited members are called on it (the compiler names the declared type as their owner).
     */
    static boolean allowsAsSupertype(String internalName) {
        return allows(internalName, "") && !MEMBERS.containsKey(internalName);
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }
}
