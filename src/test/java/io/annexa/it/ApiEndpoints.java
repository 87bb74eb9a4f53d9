package io.annexa.it;

import io.annexa.access.Role;
import io.annexa.api.Public;
import io.annexa.api.Requires;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every JAX-RS resource method the WAR holds, found by reflection in its compiled classes: all classes of every
 * package, nested ones included, whose type carries {@code @Path}. What the access-control tests cannot call as one
 * request with a known role is a problem of its own: a sub-resource locator ({@code @Path} without an HTTP verb, whose
 * sub-resources the filter never sees at discovery), a resource method with neither {@code @Requires} nor
 * {@code @Public} (or with both), two methods of one verb and path that their {@code @Consumes} does not tell apart, a
 * class that does not load.
 */
final class ApiEndpoints {

    /**
     * One resource method.
     *
     * @param template the path as JAX-RS matches it, below the server root ({@code api/nonconformities/{id}/history});
     *                 a parameter's regular expression is left out ({@code {id: \d+}} is {@code {id}})
     * @param consumes the media type it takes, where another method has the same verb and path (JAX-RS chooses
     *                 between them by the request's Content-Type); null where the verb and path are its own
     * @param role     the role it {@link Requires}; null if it is {@link Public}, open to anybody
     * @param method   {@code Class.method}, for messages
     */
    record Endpoint(String verb, String template, String consumes, Role role, String method) {

        /**
         * {@code GET api/controls/{id}}, or {@code POST api/session application/json} where the media type tells two
         * methods apart: what a fixture is filed under.
         */
        String key() {
            return verb + " " + template + (consumes == null ? "" : " " + consumes);
        }

        boolean open() {
            return role == null;
        }

        @Override
        public String toString() {
            return key() + " (" + method + ", " + (open() ? "public" : role) + ")";
        }
    }

    /** The endpoints, and what keeps some resource method from being one. */
    record Discovery(List<Endpoint> endpoints, List<String> problems) {
    }

    private ApiEndpoints() {
    }

    static Discovery discover() {
        java.nio.file.Path classes;
        try {
            classes = java.nio.file.Path.of(Requires.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> types = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "");
                if (name.endsWith("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                try {
                    types.add(Class.forName(name, false, ApiEndpoints.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    problems.add(name + " cannot be loaded to look for resource methods: " + e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + classes, e);
        }
        String root = types.stream().map(t -> t.getAnnotation(ApplicationPath.class)).filter(a -> a != null)
                .map(a -> trim(a.value())).findFirst().orElse("");
        List<Endpoint> endpoints = new ArrayList<>();
        for (Class<?> type : types) {
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : resourceMethods(type)) {
                String name = type.getName().substring(type.getPackageName().length() + 1) + "." + method.getName();
                Optional<String> verb = verb(method);
                Path methodPath = method.getAnnotation(Path.class);
                if (verb.isEmpty()) {
                    problems.add(name + " is a sub-resource locator (@Path \"" + methodPath.value() + "\" without an HTTP verb): "
                            + "the access matrix cannot see the resources it returns; give each of them an HTTP verb and @Requires instead");
                    continue;
                }
                Requires requires = method.getAnnotation(Requires.class);
                boolean open = method.getAnnotation(Public.class) != null;
                if (requires == null && !open) {
                    problems.add(name + " names no role with @Requires (nor why it is open, with @Public): AccessFilter refuses it"
                            + " to everyone");
                    continue;
                }
                if (requires != null && open) {
                    problems.add(name + " is both @Requires and @Public: AccessFilter refuses it to everyone");
                    continue;
                }
                String template = join(root, join(trim(classPath.value()), methodPath == null ? "" : trim(methodPath.value())));
                endpoints.add(new Endpoint(verb.get(), template.replaceAll("\\{\\s*(\\w[\\w.-]*)\\s*:[^}]*}", "{$1}"),
                        consumes(type, method), open ? null : requires.value(), name));
            }
        }
        endpoints = keyed(endpoints, problems);
        endpoints.sort(Comparator.comparing(Endpoint::template).thenComparing(Endpoint::verb)
                .thenComparing(e -> e.consumes() == null ? "" : e.consumes()));
        return new Discovery(endpoints, problems);
    }

    /**
     * The endpoints with their media type kept where it tells methods of one verb and path apart (signing in as JSON
     * and as a form), and dropped elsewhere; methods it does not tell apart are a problem, as one key cannot name both.
     */
    private static List<Endpoint> keyed(List<Endpoint> endpoints, List<String> problems) {
        Map<String, List<Endpoint>> byVerbAndPath = endpoints.stream()
                .collect(Collectors.groupingBy(e -> e.verb() + " " + e.template(), LinkedHashMap::new, Collectors.toList()));
        List<Endpoint> keyed = new ArrayList<>();
        for (List<Endpoint> same : byVerbAndPath.values()) {
            if (same.size() == 1) {
                Endpoint only = same.get(0);
                keyed.add(new Endpoint(only.verb(), only.template(), null, only.role(), only.method()));
                continue;
            }
            long distinct = same.stream().map(Endpoint::consumes).filter(c -> c != null).distinct().count();
            if (distinct < same.size()) {
                problems.add(same.stream().map(Endpoint::method).collect(Collectors.joining(" and ")) + " are all "
                        + same.get(0).verb() + " " + same.get(0).template() + " and @Consumes does not tell them apart: the"
                        + " access matrix cannot give each a fixture");
                continue;
            }
            keyed.addAll(same);
        }
        return keyed;
    }

    /** The media types a method takes, as declared on it or else on its class; null if neither says. */
    private static String consumes(Class<?> type, Method method) {
        Consumes consumes = method.getAnnotation(Consumes.class) != null ? method.getAnnotation(Consumes.class) : type.getAnnotation(Consumes.class);
        return consumes == null ? null : String.join(",", consumes.value());
    }

    /**
     * The public methods of a resource class carrying an HTTP verb or {@code @Path}, where JAX-RS reads them: on the
     * method itself, or (annotation inheritance) on the method it overrides from a superclass or interface.
     */
    private static List<Method> resourceMethods(Class<?> type) {
        Map<String, Method> found = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Class<?>> declaring = new ArrayList<>();
            declaring.add(c);
            declaring.addAll(List.of(c.getInterfaces()));
            for (Class<?> d : declaring) {
                for (Method method : d.getDeclaredMethods()) {
                    if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic() || method.isBridge()) {
                        continue;
                    }
                    if (verb(method).isPresent() || method.getAnnotation(Path.class) != null) {
                        found.putIfAbsent(method.getName() + java.util.Arrays.toString(method.getParameterTypes()), method);
                    }
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private static Optional<String> verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return Optional.of(http.value());
            }
        }
        return Optional.empty();
    }

    private static String trim(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "/" + b;
    }
}
