package io.annexa.control.xml;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/** JAXB binding of {@code iso27001-2013-mapping.xml}. */
@XmlRootElement(name = "mapping", namespace = Mapping2013Xml.NS)
@XmlAccessorType(XmlAccessType.FIELD)
public class Mapping2013Xml {

    public static final String NS = "urn:annexa:catalog:iso27001-2013-mapping";

    @XmlElement(name = "control", namespace = NS)
    public List<Control> controls = new ArrayList<>();

    /** A 2013 Annex A control and the 2022 controls it became. */
    @XmlAccessorType(XmlAccessType.FIELD)
    public static class Control {
        @XmlAttribute(required = true)
        public String id;
        @XmlAttribute(required = true)
        public String title;
        @XmlElement(name = "mapsTo", namespace = NS)
        public List<String> mapsTo = new ArrayList<>();
    }
}
