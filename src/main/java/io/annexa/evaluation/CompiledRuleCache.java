package io.annexa.evaluation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.util.CloneUtil;
import org.drools.core.rule.JavaDialectRuntimeData;

/**
 * Rules already compiled and passed by the {@link RuleSandbox}, kept by what went into their compilation, so that a
 * library build compiles only the rules that changed since the last build and takes every other rule from here.
 *
 * <p>A rule compiles on its own: it is its own DRL package, and the sandbox refuses code that reaches into another
 * rule's package, so what its compilation yields depends on its DRL text, its file and package, and whether the
 * sandbox checked it (and on the fact classes and Drools of this JVM, which do not change while it runs). Those make
 * the {@link #key}. Warnings of the compilation are kept with the rule and reported again by every build using it.
 *
 * <p>The packages kept here never go into a KieBase themselves: a KieBase wires the rules of a package added to it
 * into its own network, so a build adds {@link #copies} of them, and neither the library in service nor a later one
 * shares a mutable object with the cache. Copies are taken under this cache's lock, as nothing else reads these
 * packages. What is kept: the rules the last successful build used, and what was compiled since; so the cache holds
 * about one library, and a library that fails to build drops nothing.
 */
final class CompiledRuleCache {

    /** The one cache of this JVM: every library build, the deployer's and a rule draft's check, shares it. */
    static final CompiledRuleCache SHARED = new CompiledRuleCache();

    /**
     * One rule as compiled and checked.
     *
     * @param rules    the rule's own DRL package
     * @param support  the packages its compilation made for the classes its imports name (they carry the fact types'
     *                 declarations, such as an event's role); shared by every rule compiled in the same batch
     * @param warnings what the compiler said about the rule's file
     */
    record Compiled(InternalKnowledgePackage rules, List<InternalKnowledgePackage> support, List<Problem> warnings) {

        Compiled {
            support = List.copyOf(support);
            warnings = List.copyOf(warnings);
        }
    }

    private final Map<String, Compiled> byKey = new HashMap<>();

    CompiledRuleCache() {
    }

    /** What goes into a rule's compilation, hashed. */
    static String key(boolean sandboxed, String display, String drlPackage, String drl) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(sandboxed ? "sandboxed" : "unchecked", display, drlPackage, drl)) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized Optional<Compiled> get(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    synchronized void put(String key, Compiled compiled) {
        byKey.put(key, compiled);
    }

    /** Forgets every rule but those of {@code keys}: called with what a successful build used. */
    synchronized void retainOnly(Set<String> keys) {
        byKey.keySet().retainAll(keys);
    }

    /**
     * Fresh copies of the packages of {@code rules} (each shared support package once), for a KieBase whose classes
     * are defined by {@code classLoader}.
     */
    synchronized List<InternalKnowledgePackage> copies(Collection<Compiled> rules, ClassLoader classLoader) {
        Map<InternalKnowledgePackage, Boolean> distinct = new IdentityHashMap<>();
        List<InternalKnowledgePackage> copies = new ArrayList<>();
        for (Compiled rule : rules) {
            for (InternalKnowledgePackage pkg : withSupport(rule)) {
                if (distinct.put(pkg, Boolean.TRUE) == null) {
                    copies.add(copy(pkg, classLoader));
                }
            }
        }
        return copies;
    }

    /**
     * Marks the packages of a build as used, before anything else sees them: adding one to a KieBase then adds a
     * copy, and the package stays as the sandbox left it.
     */
    static void setAside(Collection<InternalKnowledgePackage> built) {
        built.forEach(pkg -> pkg.deepCloneIfAlreadyInUse(null));
    }

    /** Whether a package holds nothing that runs: no rule, no function, no class (as those the imports name). */
    static boolean holdsNoCode(InternalKnowledgePackage pkg) {
        return pkg.getRules().isEmpty() && pkg.getFunctions().isEmpty()
                && (!(pkg.getDialectRuntimeRegistry().getDialectData("java") instanceof JavaDialectRuntimeData java)
                    || java.getStore().isEmpty());
    }

    private static InternalKnowledgePackage copy(InternalKnowledgePackage pkg, ClassLoader classLoader) {
        InternalKnowledgePackage copy = pkg.deepCloneIfAlreadyInUse(classLoader);
        if (copy == pkg) {
            // Drools skips the copy for a package without Java code; its type declarations would still be shared
            copy = CloneUtil.deepClone(pkg, classLoader);
            copy.setClassLoader(classLoader);
        }
        return copy;
    }

    private static List<InternalKnowledgePackage> withSupport(Compiled rule) {
        List<InternalKnowledgePackage> packages = new ArrayList<>(rule.support().size() + 1);
        if (rule.rules() != null) {
            packages.add(rule.rules());
        }
        packages.addAll(rule.support());
        return packages;
    }
}
