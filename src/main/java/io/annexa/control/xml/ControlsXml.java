package io.annexa.control.xml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/** JAXB binding of {@code iso27002-2022.xml}; the schema has already checked every value. */
@XmlRootElement(name = "catalog", namespace = ControlsXml.NS)
@XmlAccessorType(XmlAccessType.FIELD)
public class ControlsXml {

    public static final String NS = "urn:annexa:catalog:iso27002:2022";

    @XmlElement(name = "control", namespace = NS)
    public List<Control> controls = new ArrayList<>();

    /** One control with its five attribute dimensions. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class Control {
        @XmlAttribute(required = true)
        public String id;
        @XmlAttribute(required = true)
        public String theme;
        @XmlAttribute(name = "new", required = true)
        public boolean newIn2022;
        @XmlElement(namespace = NS)
        public String title;
        @XmlElement(name = "controlType", namespace = NS)
        public List<String> controlTypes = new ArrayList<>();
        @XmlElement(name = "securityProperty", namespace = NS)
        public List<String> securityProperties = new ArrayList<>();
        @XmlElement(name = "cybersecurityConcept", namespace = NS)
        public List<String> cybersecurityConcepts = new ArrayList<>();
        @XmlElement(name = "operationalCapability", namespace = NS)
        public List<String> operationalCapabilities = new ArrayList<>();
        @XmlElement(name = "securityDomain", namespace = NS)
        public List<String> securityDomains = new ArrayList<>();
    }
}
