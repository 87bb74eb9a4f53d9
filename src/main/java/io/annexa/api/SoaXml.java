package io.annexa.api;

import io.annexa.control.SoaEntry;
import io.annexa.control.StatementOfApplicability;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** The Statement of Applicability as XML, following {@code /api/schemas/soa-1.xsd}. */
@XmlRootElement(name = "statementOfApplicability", namespace = SoaXml.NS)
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(propOrder = {"problems", "controls"})
public class SoaXml {

    public static final String NS = "urn:annexa:soa:1";
    public static final String SCHEMA = "soa-1.xsd";

    @XmlAttribute(required = true)
    String standard = "ISO/IEC 27001:2022";
    @XmlAttribute(required = true)
    String generatedAt;
    @XmlElement(name = "problem", namespace = NS)
    List<String> problems = new ArrayList<>();
    @XmlElement(name = "control", namespace = NS)
    List<Entry> controls = new ArrayList<>();

    /** One control's row. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "", propOrder = {"title", "justification", "notes", "rules", "openNonconformities", "problems"})
    public static class Entry {
        @XmlAttribute(required = true)
        String id;
        @XmlAttribute(required = true)
        String annexA;
        @XmlAttribute(required = true)
        String theme;
        @XmlAttribute(required = true)
        boolean applicable;
        @XmlAttribute
        String implementation;
        @XmlAttribute(required = true)
        String monitoring;
        @XmlAttribute(required = true)
        String status;
        @XmlAttribute
        String lastEvaluated;
        @XmlElement(namespace = NS)
        String title;
        @XmlElement(namespace = NS)
        String justification;
        @XmlElement(namespace = NS)
        String notes;
        @XmlElement(name = "rule", namespace = NS)
        List<String> rules = new ArrayList<>();
        @XmlElement(name = "openNonconformity", namespace = NS)
        List<Long> openNonconformities = new ArrayList<>();
        @XmlElement(name = "problem", namespace = NS)
        List<String> problems = new ArrayList<>();
    }

    static String write(StatementOfApplicability soa, String schemaUrl) {
        SoaXml document = new SoaXml();
        document.generatedAt = soa.generatedAt().toString();
        document.problems.addAll(soa.problems());
        for (SoaEntry e : soa.entries()) {
            Entry entry = new Entry();
            entry.id = e.control().id();
            entry.annexA = e.control().annexA();
            entry.theme = e.control().theme();
            entry.applicable = e.applicability().applicable();
            entry.implementation = e.applicability().implementation() == null ? null : e.applicability().implementation().label();
            entry.monitoring = e.coverage().label();
            entry.status = e.status().label();
            entry.lastEvaluated = e.lastEvaluated() == null ? null : e.lastEvaluated().toString();
            entry.title = e.control().title();
            entry.justification = blankToNull(e.applicability().justification());
            entry.notes = blankToNull(e.applicability().notes());
            entry.rules.addAll(e.rules());
            entry.openNonconformities.addAll(e.openNonconformities());
            entry.problems.addAll(e.problems());
            document.controls.add(entry);
        }
        try {
            Marshaller marshaller = JAXBContext.newInstance(SoaXml.class).createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
            marshaller.setProperty(Marshaller.JAXB_SCHEMA_LOCATION, NS + " " + schemaUrl);
            StringWriter out = new StringWriter();
            marshaller.marshal(document, out);
            return out.toString();
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write the Statement of Applicability as XML", e);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
