package io.annexa.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The ISO/IEC 27002:2022 controls Annexa knows; rules may only cite these ids. */
public final class ControlCatalog {

    static final String RESOURCE = "/catalog/iso27002-2022-controls.tsv";

    private final Map<String, Control> controls;

    private ControlCatalog(Map<String, Control> controls) {
        this.controls = Collections.unmodifiableMap(controls);
    }

    public static ControlCatalog load() {
        try (InputStream in = ControlCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("control catalog " + RESOURCE + " is missing from the application");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read control catalog " + RESOURCE, e);
        }
    }

    private static ControlCatalog parse(InputStream in) throws IOException {
        Map<String, Control> controls = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t");
            if (cells.length != 4) {
                throw new IllegalStateException(RESOURCE + ":" + lineNumber + ": expected 4 tab-separated cells, found " + cells.length);
            }
            Control control = new Control(cells[0], cells[1], "yes".equals(cells[2]), cells[3]);
            if (controls.put(control.id(), control) != null) {
                throw new IllegalStateException(RESOURCE + ":" + lineNumber + ": control " + control.id() + " listed twice");
            }
        }
        return new ControlCatalog(controls);
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
}
