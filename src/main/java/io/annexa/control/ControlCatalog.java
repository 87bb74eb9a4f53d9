package io.annexa.control;

import io.annexa.control.xml.ControlsXml;
import io.annexa.control.xml.Mapping2013Xml;
import io.annexa.control.xml.RequirementsXml;
import io.annexa.control.xml.SafeXml;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference data every finding is placed on: the 93 ISO/IEC 27002:2022 controls with their
 * attributes, the ISO/IEC 27001:2022 clauses and Annex A, and the 2013 to 2022 correspondence.
 * Loaded from XML validated against its schema; anything wrong stops start-up with file and line.
 */
public final class ControlCatalog {

    /** Where each document is read from; tests substitute corrupted copies. */
    public record Sources(URL controls, URL requirements, URL mapping2013) {

        public static Sources bundled() {
            return new Sources(resource("iso27002-2022.xml"), resource("iso27001-2022.xml"), resource("iso27001-2013-mapping.xml"));
        }

        static URL resource(String name) {
            URL url = ControlCatalog.class.getResource("/catalog/" + name);
            if (url == null) {
                throw new CatalogException(List.of("catalog/" + name + " is missing from the application"));
            }
            return url;
        }
    }

    private final Map<String, Control> controls;
    private final List<Clause> clauses;
    private final Set<String> clauseIds = new HashSet<>();
    private final Map<String, String> annexA;
    private final Map<String, LegacyControl> legacy;

    private ControlCatalog(Map<String, Control> controls, List<Clause> clauses, Map<String, String> annexA,
                           Map<String, LegacyControl> legacy) {
        this.controls = Collections.unmodifiableMap(controls);
        this.clauses = List.copyOf(clauses);
        Deque<Clause> todo = new ArrayDeque<>(this.clauses);
        while (!todo.isEmpty()) {
            Clause clause = todo.pop();
            clauseIds.add(clause.id());
            todo.addAll(clause.clauses());
        }
        this.annexA = Collections.unmodifiableMap(annexA);
        this.legacy = Collections.unmodifiableMap(legacy);
    }

    public static ControlCatalog load() {
        return load(Sources.bundled());
    }

    public static ControlCatalog load(Sources sources) {
        List<String> problems = new ArrayList<>();
        ControlsXml controlsXml = read(sources.controls(), "iso27002-2022.xsd", ControlsXml.class, problems);
        RequirementsXml requirementsXml = read(sources.requirements(), "iso27001-2022.xsd", RequirementsXml.class, problems);
        Mapping2013Xml mappingXml = read(sources.mapping2013(), "iso27001-2013-mapping.xsd", Mapping2013Xml.class, problems);
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        Map<String, Control> controls = new LinkedHashMap<>();
        for (ControlsXml.Control c : controlsXml.controls) {
            Map<Dimension, List<String>> attributes = new EnumMap<>(Dimension.class);
            attributes.put(Dimension.CONTROL_TYPE, c.controlTypes);
            attributes.put(Dimension.SECURITY_PROPERTY, c.securityProperties);
            attributes.put(Dimension.CYBERSECURITY_CONCEPT, c.cybersecurityConcepts);
            attributes.put(Dimension.OPERATIONAL_CAPABILITY, c.operationalCapabilities);
            attributes.put(Dimension.SECURITY_DOMAIN, c.securityDomains);
            attributes.replaceAll((d, values) -> values.stream().map(String::strip).toList());
            controls.put(c.id, new Control(c.id, c.theme, c.newIn2022, c.title.strip(), attributes));
        }
        Map<String, String> annexA = new LinkedHashMap<>();
        for (RequirementsXml.AnnexAControl a : requirementsXml.annexA) {
            annexA.put(a.id, a.ref);
            if (!controls.containsKey(a.ref)) {
                problems.add(sources.requirements() + ": Annex A " + a.id + " refers to unknown control " + a.ref);
            }
        }
        Map<String, LegacyControl> legacy = new LinkedHashMap<>();
        for (Mapping2013Xml.Control l : mappingXml.controls) {
            legacy.put(l.id, new LegacyControl(l.id, l.title.strip(), l.mapsTo.stream().map(String::strip).toList()));
            l.mapsTo.stream().filter(id -> !controls.containsKey(id.strip())).forEach(id ->
                    problems.add(sources.mapping2013() + ": " + l.id + " maps to unknown control " + id));
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        return new ControlCatalog(controls, clauses(requirementsXml.clauses), annexA, legacy);
    }

    private static <T> T read(URL url, String xsd, Class<T> type, List<String> problems) {
        try (InputStream in = SafeXml.open(url)) {
            return SafeXml.unmarshal(in, url.toString(), type, SafeXml.schema(Sources.resource(xsd)));
        } catch (SafeXml.InvalidXmlException e) {
            problems.addAll(e.problems());
        } catch (IOException e) {
            problems.add(url + ": cannot be read: " + e.getMessage());
        }
        return null;
    }

    private static List<Clause> clauses(List<RequirementsXml.Clause> xml) {
        return xml.stream().map(c -> new Clause(c.id, c.title.strip(), clauses(c.clauses))).toList();
    }

    public Optional<Control> find(String id) {
        return Optional.ofNullable(controls.get(id));
    }

    public boolean contains(String id) {
        return controls.containsKey(id);
    }

    public Collection<Control> all() {
        return controls.values();
    }

    /** ISO/IEC 27001:2022 clauses 4 to 10, nested. */
    public List<Clause> clauses() {
        return clauses;
    }

    /** Whether {@code id} is an ISO/IEC 27001:2022 clause at any level ({@code 9}, {@code 9.1}, {@code 6.1.3}). */
    public boolean containsClause(String id) {
        return clauseIds.contains(id);
    }

    /** Annex A id ({@code A.8.5}) to ISO/IEC 27002:2022 control id ({@code 8.5}), in order. */
    public Map<String, String> annexA() {
        return annexA;
    }

    public Collection<LegacyControl> legacyControls() {
        return legacy.values();
    }

    /** An ISO/IEC 27001:2013 Annex A control by id ({@code A.9.4.2}); tolerates a missing {@code A.} prefix. */
    public Optional<LegacyControl> legacy(String id) {
        String key = id.strip().toUpperCase().startsWith("A.") ? "A." + id.strip().substring(2) : "A." + id.strip();
        return Optional.ofNullable(legacy.get(key));
    }
}
