package io.annexa.ingestion.xccdf;

import io.annexa.control.xml.SafeXml;
import io.annexa.evidence.InvalidInputException;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.namespace.QName;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Finds the {@code Rule} definitions and {@code TestResult}s of an XCCDF 1.2 result document and binds each
 * with JAXB as the pull parser reaches it, wherever it sits: in a {@code Benchmark} (rules nested in groups
 * to any depth, results at the end), alone, or in an ARF {@code asset-report-collection} (rules in the
 * embedded data stream, results in the reports).
 *
 * <p>Why not JAXB on the whole document: a result document is mostly prose and check content Annexa does
 * not read (the 3.5 MB OpenSCAP result in the test corpus holds 355 rules and one result; ARF files with
 * OVAL results run to hundreds of MB). Binding it whole means either modelling the nested groups, profiles
 * and values, or keeping every unread element as DOM. Binding fragments keeps the JAXB model to the
 * elements needed, holds one fragment at a time beside the small rule table, and treats the three root
 * shapes alike.
 */
final class XccdfDocumentReader {

    static final String ARF_NS = "http://scap.nist.gov/schema/asset-reporting-format/1.1";
    private static final String XCCDF_11_NS = "http://checklists.nist.gov/xccdf/1.1";
    private static final Set<QName> ROOTS = Set.of(new QName(XccdfXml.NS, "Benchmark"), new QName(XccdfXml.NS, "TestResult"),
            new QName(ARF_NS, "asset-report-collection"));
    private static final JAXBContext JAXB = context();

    /** The rule definitions by id, and every test result, in document order. */
    record Content(Map<String, XccdfXml.Rule> rules, List<XccdfXml.TestResult> testResults) {
    }

    private XccdfDocumentReader() {
    }

    static Content read(InputStream in, String name) throws InvalidInputException {
        XMLStreamReader reader = null;
        try {
            reader = SafeXml.streamReader(in, name);
            Unmarshaller unmarshaller = unmarshaller(reader);
            requireKnownRoot(reader, name);
            Map<String, XccdfXml.Rule> rules = new LinkedHashMap<>();
            List<XccdfXml.TestResult> testResults = new ArrayList<>();
            while (reader.hasNext()) {
                if (reader.isStartElement() && XccdfXml.NS.equals(reader.getNamespaceURI())) {
                    int line = reader.getLocation().getLineNumber();
                    if ("Rule".equals(reader.getLocalName())) {
                        XccdfXml.Rule rule = unmarshaller.unmarshal(reader, XccdfXml.Rule.class).getValue();
                        if (rule.id == null || rule.id.isBlank()) {
                            throw new InvalidInputException(name, line, "Rule has no id");
                        }
                        rules.put(rule.id, rule);
                        continue; // the unmarshaller has moved past the element
                    }
                    if ("TestResult".equals(reader.getLocalName())) {
                        XccdfXml.TestResult testResult = unmarshaller.unmarshal(reader, XccdfXml.TestResult.class).getValue();
                        testResult.line = line;
                        testResults.add(testResult);
                        continue;
                    }
                }
                reader.next();
            }
            return new Content(rules, testResults);
        } catch (XMLStreamException e) {
            throw invalid(name, e, reader);
        } catch (UnmarshalException e) {
            Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
            if (cause instanceof XMLStreamException parse) {
                throw invalid(name, parse, reader);
            }
            throw new InvalidInputException(name, line(reader), cause != null ? cause.getMessage() : String.valueOf(e.getMessage()));
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot bind XCCDF: " + e, e);
        } finally {
            close(reader);
        }
    }

    private static void requireKnownRoot(XMLStreamReader reader, String name) throws XMLStreamException, InvalidInputException {
        reader.nextTag();
        QName root = reader.getName();
        if (ROOTS.contains(root)) {
            return;
        }
        String reason = XCCDF_11_NS.equals(root.getNamespaceURI())
                ? "this is XCCDF 1.1; only XCCDF 1.2 results are read (oscap writes 1.2 from SCAP 1.2 and later data streams)"
                : "root element is " + root + ", not an XCCDF 1.2 Benchmark or TestResult or an ARF asset-report-collection";
        throw new InvalidInputException(name, reader.getLocation().getLineNumber(), reason);
    }

    private static Unmarshaller unmarshaller(XMLStreamReader reader) throws JAXBException {
        Unmarshaller unmarshaller = JAXB.createUnmarshaller();
        // The binding is partial on purpose: unbound elements are skipped, only a broken document stops the read.
        unmarshaller.setEventHandler(event -> event.getSeverity() != ValidationEvent.FATAL_ERROR);
        unmarshaller.setListener(new Unmarshaller.Listener() {
            @Override
            public void beforeUnmarshal(Object target, Object parent) {
                // the unmarshaller pulls from this reader, so it is still at the rule-result's start tag
                if (target instanceof XccdfXml.RuleResult ruleResult) {
                    ruleResult.line = reader.getLocation().getLineNumber();
                }
            }
        });
        return unmarshaller;
    }

    private static InvalidInputException invalid(String name, XMLStreamException e, XMLStreamReader reader) {
        Location at = e.getLocation();
        int line = at != null && at.getLineNumber() > 0 ? at.getLineNumber() : line(reader);
        // the JDK puts "ParseError at [row,col]:[..]" in front of the message; the line is reported separately
        String message = String.valueOf(e.getMessage()).replaceFirst("(?s)^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", "");
        return new InvalidInputException(name, line, message.strip());
    }

    private static int line(XMLStreamReader reader) {
        return reader == null ? 0 : Math.max(0, reader.getLocation().getLineNumber());
    }

    private static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing was written; the caller closes the stream itself
            }
        }
    }

    private static JAXBContext context() {
        try {
            return JAXBContext.newInstance(XccdfXml.Rule.class, XccdfXml.TestResult.class);
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot bind XCCDF: " + e, e);
        }
    }
}
