package io.annexa.control.xml;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.ValidationEventLocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Reads XML Annexa did not necessarily write, safely: no DOCTYPE (so no entity expansion and no
 * XXE), no external DTD or schema fetched, secure-processing limits on, and the document validated
 * against its schema while it is unmarshalled. Every schema violation is reported with file, line
 * and column, not just the first.
 */
public final class SafeXml {

    private SafeXml() {
    }

    /** Thrown with every problem found in one document. */
    public static final class InvalidXmlException extends Exception {
        private final List<String> problems;

        InvalidXmlException(String name, List<String> problems) {
            super(name + " is not valid:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static Schema schema(URL xsd) {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(xsd);
        } catch (SAXException e) {
            throw new IllegalStateException("schema " + xsd + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    public static <T> T unmarshal(InputStream in, String name, Class<T> type, Schema schema) throws InvalidXmlException {
        List<String> problems = new ArrayList<>();
        try {
            Unmarshaller unmarshaller = JAXBContext.newInstance(type).createUnmarshaller();
            unmarshaller.setSchema(schema);
            unmarshaller.setEventHandler(event -> {
                problems.add(describe(name, event));
                return event.getSeverity() == ValidationEvent.WARNING || event.getSeverity() == ValidationEvent.ERROR;
            });
            InputSource source = new InputSource(in);
            source.setSystemId(name);
            Object result = unmarshaller.unmarshal(new SAXSource(hardenedReader(), source));
            if (!problems.isEmpty()) {
                throw new InvalidXmlException(name, problems);
            }
            return type.cast(result);
        } catch (UnmarshalException e) {
            if (problems.isEmpty()) {
                problems.add(describe(name, e));
            }
            throw new InvalidXmlException(name, problems);
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot bind " + type.getName() + ": " + e, e);
        }
    }

    private static XMLReader hardenedReader() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setXIncludeAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return factory.newSAXParser().getXMLReader();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the XML parser cannot be hardened: " + e.getMessage(), e);
        }
    }

    private static String describe(String name, ValidationEvent event) {
        ValidationEventLocator at = event.getLocator();
        String where = at == null || at.getLineNumber() < 0 ? name : name + ":" + at.getLineNumber() + ":" + at.getColumnNumber();
        return where + ": " + event.getMessage();
    }

    private static String describe(String name, UnmarshalException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        if (cause instanceof SAXParseException parse) {
            return name + ":" + parse.getLineNumber() + ":" + parse.getColumnNumber() + ": " + parse.getMessage();
        }
        return name + ": " + (cause != null ? cause.getMessage() : e.getMessage());
    }

    /** Opens a classpath resource or fails naming it. */
    public static InputStream open(URL url) throws IOException {
        if (url == null) {
            throw new IOException("resource missing");
        }
        return url.openStream();
    }
}
