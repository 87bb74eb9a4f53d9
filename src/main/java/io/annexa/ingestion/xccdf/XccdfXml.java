package io.annexa.ingestion.xccdf;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlTransient;
import jakarta.xml.bind.annotation.XmlValue;
import java.util.ArrayList;
import java.util.List;

/**
 * JAXB binding of the few XCCDF 1.2 elements Annexa reads: a {@code Rule} definition and a {@code TestResult}.
 * Everything else in them (descriptions, fixes, check references, scores) is left unbound and skipped.
 */
final class XccdfXml {

    static final String NS = "http://checklists.nist.gov/xccdf/1.2";

    private XccdfXml() {
    }

    /** A rule definition of the benchmark: what the check is called and which catalogs it serves. */
    @XmlRootElement(name = "Rule", namespace = NS)
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class Rule {
        @XmlAttribute
        public String id;
        @XmlAttribute
        public String severity;
        /** One per language at most; the first is used. */
        @XmlElement(name = "title", namespace = NS)
        public List<String> titles = new ArrayList<>();
        @XmlElement(name = "reference", namespace = NS)
        public List<Reference> references = new ArrayList<>();
    }

    /** A reference to another catalog; the {@code href} names the catalog, the text the item in it. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class Reference {
        @XmlAttribute
        public String href;
        @XmlValue
        public String text;
    }

    /** One evaluation of a profile on one target. */
    @XmlRootElement(name = "TestResult", namespace = NS)
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class TestResult {
        @XmlAttribute(name = "start-time")
        public String startTime;
        @XmlAttribute(name = "end-time")
        public String endTime;
        /** The benchmark evaluated: its {@code id}. */
        @XmlElement(name = "benchmark", namespace = NS)
        public IdReference benchmark;
        /** The profile evaluated: its {@code idref}; absent for the benchmark's default selection. */
        @XmlElement(name = "profile", namespace = NS)
        public IdReference profile;
        @XmlElement(name = "target", namespace = NS)
        public List<String> targets = new ArrayList<>();
        @XmlElement(name = "rule-result", namespace = NS)
        public List<RuleResult> ruleResults = new ArrayList<>();
        /** Where the element starts, for messages; not part of the document. */
        @XmlTransient
        public int line;
    }

    /** An element that only names something by an attribute: {@code <benchmark id=".."/>}, {@code <profile idref=".."/>}. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class IdReference {
        @XmlAttribute
        public String id;
        @XmlAttribute
        public String idref;
    }

    /** The outcome of one rule on the target. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class RuleResult {
        @XmlAttribute
        public String idref;
        @XmlAttribute
        public String severity;
        @XmlAttribute
        public String time;
        @XmlElement(name = "result", namespace = NS)
        public String result;
        /** Where the element starts, for messages; not part of the document. */
        @XmlTransient
        public int line;
    }
}
