package io.annexa.api;

import io.annexa.register.AuditEntry;
import io.annexa.register.Nonconformity;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import jakarta.xml.bind.annotation.XmlType;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The audit report as XML, following {@code /api/schemas/audit-report-1.xsd}. The root element is written by hand
 * and each nonconformity is marshalled on its own as it is read (JAXB fragments into one stream), so the document
 * is never held whole.
 */
final class AuditReportXml implements AuditReport.Format {

    static final String NS = "urn:annexa:audit-report:1";
    static final String SCHEMA = "audit-report-1.xsd";

    /** {@code <auditTrail>}: whether the history chain was whole when the report was made. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "")
    public static class Trail {
        @XmlAttribute(required = true)
        boolean valid;
        @XmlAttribute(required = true)
        long entries;
        @XmlAttribute
        Long firstBroken;
    }

    /** {@code <nonconformity>}. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "", propOrder = {"ruleTitle", "citedControls", "clauses", "owner", "rootCause", "correction",
            "correctiveAction", "riskAcceptance", "withdrawnReason", "evidenceSummary", "history"})
    public static class Entry {
        @XmlAttribute(required = true)
        long id;
        @XmlAttribute(required = true)
        String ruleId;
        @XmlAttribute(required = true)
        String control;
        @XmlAttribute(required = true)
        String theme;
        @XmlAttribute(required = true)
        String annexA;
        @XmlAttribute(required = true)
        String asset;
        @XmlAttribute(required = true)
        String severity;
        @XmlAttribute(required = true)
        String grade;
        @XmlAttribute
        String escalation;
        @XmlAttribute(required = true)
        String status;
        @XmlAttribute(required = true)
        boolean incident;
        @XmlAttribute(required = true)
        String firstSeen;
        @XmlAttribute(required = true)
        String lastSeen;
        @XmlAttribute
        String resolvedAt;
        @XmlAttribute
        String closedAt;
        @XmlAttribute
        String dueAt;
        @XmlAttribute(required = true)
        int occurrences;
        @XmlAttribute(required = true)
        int recurrences;
        @XmlAttribute
        Long previousId;
        @XmlElement(namespace = NS)
        String ruleTitle;
        @XmlElement(name = "citedControl", namespace = NS)
        List<String> citedControls = new ArrayList<>();
        @XmlElement(name = "clause", namespace = NS)
        List<String> clauses = new ArrayList<>();
        @XmlElement(namespace = NS)
        String owner;
        @XmlElement(namespace = NS)
        String rootCause;
        @XmlElement(namespace = NS)
        String correction;
        @XmlElement(namespace = NS)
        String correctiveAction;
        @XmlElement(namespace = NS)
        Risk riskAcceptance;
        @XmlElement(namespace = NS)
        String withdrawnReason;
        @XmlElement(namespace = NS)
        String evidenceSummary;
        @XmlElementWrapper(name = "history", namespace = NS, required = true)
        @XmlElement(name = "entry", namespace = NS)
        List<HistoryEntry> history = new ArrayList<>();
    }

    /** {@code <riskAcceptance>}: who asked, who approved, why, until when. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "", propOrder = {"justification"})
    public static class Risk {
        @XmlAttribute
        String requestedBy;
        @XmlAttribute
        String approver;
        @XmlAttribute
        String expiresAt;
        @XmlElement(namespace = NS)
        String justification;
    }

    /** {@code <entry>} of a history: one chained audit entry. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "", propOrder = {"comment"})
    public static class HistoryEntry {
        @XmlAttribute(required = true)
        long id;
        @XmlAttribute(required = true)
        String at;
        @XmlAttribute(required = true)
        String actor;
        @XmlAttribute(required = true)
        String action;
        @XmlAttribute
        String from;
        @XmlAttribute
        String to;
        @XmlAttribute
        String bodyHash;
        @XmlAttribute(required = true)
        String hash;
        @XmlElement(namespace = NS)
        String comment;
    }

    /** Built once: a JAXB context is costly, and thread-safe; marshallers are neither. */
    private static final class Binding {
        static final JAXBContext CONTEXT;

        static {
            try {
                CONTEXT = JAXBContext.newInstance(Trail.class, Entry.class);
            } catch (JAXBException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final XMLStreamWriter xml;
    private final Marshaller marshaller;
    private final String schemaUrl;

    AuditReportXml(OutputStream out, String schemaUrl) {
        this.schemaUrl = schemaUrl;
        try {
            // the JDK's own writer, whatever else is on the class path: its escaping is known
            this.xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out, "UTF-8");
            this.marshaller = Binding.CONTEXT.createMarshaller();
            marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
        } catch (XMLStreamException | JAXBException e) {
            throw new IllegalStateException("cannot write the audit report as XML", e);
        }
    }

    @Override
    public void header(AuditReport.Header header) throws IOException {
        try {
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.setDefaultNamespace(NS);
            xml.setPrefix("xsi", XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI);
            xml.writeStartElement(NS, "auditReport");
            xml.writeDefaultNamespace(NS);
            xml.writeNamespace("xsi", XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI);
            xml.writeAttribute(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI, "schemaLocation", NS + " " + schemaUrl);
            xml.writeAttribute("standard", "ISO/IEC 27001:2022");
            xml.writeAttribute("from", header.period().from().toString());
            xml.writeAttribute("to", header.period().to().toString());
            xml.writeAttribute("generatedAt", header.generatedAt().toString());
            xml.writeAttribute("generatedBy", text(header.generatedBy()));
            Trail trail = new Trail();
            trail.valid = header.auditTrail().valid();
            trail.entries = header.auditTrail().entries();
            trail.firstBroken = header.auditTrail().firstBroken();
            marshal("auditTrail", Trail.class, trail);
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the audit report: " + e.getMessage(), e);
        }
    }

    @Override
    public void nonconformity(Nonconformity nc, List<AuditEntry> history) throws IOException {
        marshal("nonconformity", Entry.class, entry(nc, history));
    }

    @Override
    public void end() throws IOException {
        try {
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.writeCharacters("\n");
            xml.flush();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the audit report: " + e.getMessage(), e);
        }
    }

    private <T> void marshal(String element, Class<T> type, T value) throws IOException {
        try {
            xml.writeCharacters("\n  ");
            marshaller.marshal(new JAXBElement<>(new QName(NS, element), type, value), xml);
        } catch (XMLStreamException | JAXBException e) {
            throw new IOException("cannot write the audit report: " + e.getMessage(), e);
        }
    }

    static Entry entry(Nonconformity nc, List<AuditEntry> history) {
        Entry entry = new Entry();
        entry.id = nc.getId();
        entry.ruleId = text(nc.getRuleId());
        entry.control = nc.getControl();
        entry.theme = nc.getTheme();
        entry.annexA = nc.getAnnexA();
        entry.asset = text(nc.getAsset());
        entry.severity = nc.getSeverity();
        entry.grade = nc.getGrade();
        entry.escalation = nc.getEscalation();
        entry.status = nc.getStatus().label();
        entry.incident = nc.isIncident();
        entry.firstSeen = time(nc.getFirstSeen());
        entry.lastSeen = time(nc.getLastSeen());
        entry.resolvedAt = time(nc.getResolvedAt());
        entry.closedAt = time(nc.getClosedAt());
        entry.dueAt = time(nc.getDueAt());
        entry.occurrences = nc.getOccurrenceCount();
        entry.recurrences = nc.getRecurrenceCount();
        entry.previousId = nc.getPreviousId();
        entry.ruleTitle = text(nc.getRuleTitle());
        entry.citedControls.addAll(nc.getControls());
        entry.clauses.addAll(nc.getClauses());
        entry.owner = text(nc.getOwner());
        entry.rootCause = text(nc.getRootCause());
        entry.correction = text(nc.getCorrection());
        entry.correctiveAction = text(nc.getCorrectiveAction());
        if (nc.getRiskApprover() != null || nc.getRiskRequestedBy() != null || nc.getRiskJustification() != null) {
            Risk risk = new Risk();
            risk.requestedBy = text(nc.getRiskRequestedBy());
            risk.approver = text(nc.getRiskApprover());
            risk.expiresAt = time(nc.getRiskExpiresAt());
            risk.justification = text(nc.getRiskJustification());
            entry.riskAcceptance = risk;
        }
        entry.withdrawnReason = text(nc.getWithdrawnReason());
        entry.evidenceSummary = text(nc.getEvidenceSummary());
        for (AuditEntry e : history) {
            HistoryEntry h = new HistoryEntry();
            h.id = e.getId();
            h.at = time(e.getAt());
            h.actor = text(e.getActor());
            h.action = text(e.getAction());
            h.from = e.getFromStatus();
            h.to = e.getToStatus();
            h.bodyHash = e.getBodyHash();
            h.hash = e.getHash();
            h.comment = text(e.getComment());
            entry.history.add(h);
        }
        return entry;
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }

    /**
     * Text as XML 1.0 can carry it. Evidence comes from files anyone could have written; a control character in it
     * would make the whole report unreadable, so it is shown as U+FFFD instead.
     */
    static String text(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder safe = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                if (safe != null) {
                    safe.append(c).append(value.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!allowed && safe == null) {
                safe = new StringBuilder(value.length()).append(value, 0, i);
            }
            if (safe != null) {
                safe.append(allowed ? c : '\uFFFD');
            }
        }
        return safe == null ? value : safe.toString();
    }
}
