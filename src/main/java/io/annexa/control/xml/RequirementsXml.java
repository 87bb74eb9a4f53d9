package io.annexa.control.xml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/** JAXB binding of {@code iso27001-2022.xml}: clauses 4-10 and the Annex A index. */
@XmlRootElement(name = "catalog", namespace = RequirementsXml.NS)
@XmlAccessorType(XmlAccessType.FIELD)
public class RequirementsXml {

    public static final String NS = "urn:annexa:catalog:iso27001:2022";

    @XmlElement(name = "clause", namespace = NS)
    public List<Clause> clauses = new ArrayList<>();

    @XmlElementWrapper(name = "annexA", namespace = NS)
    @XmlElement(name = "control", namespace = NS)
    public List<AnnexAControl> annexA = new ArrayList<>();

    /** A clause and its sub-clauses. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class Clause {
        @XmlAttribute(required = true)
        public String id;
        @XmlAttribute(required = true)
        public String title;
        @XmlElement(name = "clause", namespace = NS)
        public List<Clause> clauses = new ArrayList<>();
    }

    /** An Annex A entry pointing at its ISO/IEC 27002:2022 control. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class AnnexAControl {
        @XmlAttribute(required = true)
        public String id;
        @XmlAttribute(required = true)
        public String ref;
    }
}
