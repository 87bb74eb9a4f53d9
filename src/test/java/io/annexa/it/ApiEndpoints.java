package io.annexa.it;

import io.annexa.access.Role;
import io.annexa.api.Requires;
import jakarta.ws.rs.ApplicationPath;
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
import java.util.stream.Stream;

/**
 * Every JAX-RS resource method the WAR holds, found by reflection in its compiled classes: all classes of every
 * package, nested ones included, whose type carries {@code @Path}. What the access-control tests cannot call as one
 * request with a known role is a problem of its own: a sub-resource locator ({@code @Path} without an HTTP verb, whose
 * sub-resources the filter never sees at discovery), a resource method without {@code @Requires}, a class that does
 * not load.
 */
final class ApiEndpoints {

    /**
     * One resource method.
     *
     * @param template the path as JAX-RS matches it, below the server root ({@code api/nonconformities/{id}/history});
     *                 a parameter's regular expression is left out ({@code {id: \d+}} is {@code {id}})
     * @param method   {@code Class.method}, for messages
     */
    record Endpoint(String verb, String template, Role role, String method) {

        /** {@code GET api/controls/{id}}: what a fixture is filed under. */
        String key() {
            return verb + " " + template;
        }

        @Override
        public String toString() {
            return key() + " (" + method + ", " + role + ")";
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
                if (requires == null) {
                    problems.add(name + " names no role with @Requires: AccessFilter refuses it to everyone");
                    continue;
                }
                String template = join(root, join(trim(classPath.value()), methodPath == null ? "" : trim(methodPath.value())));
                endpoints.add(new Endpoint(verb.get(), template.replaceAll("\\{\\s*(\\w[\\w.-]*)\\s*:[^}]*}", "{$1}"),
                        requires.value(), name));
            }
        }
        endpoints.sort(Comparator.comparing(Endpoint::template).thenComparing(Endpoint::verb));
        return new Discovery(endpoints, problems);
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
