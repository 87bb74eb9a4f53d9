package io.annexa.control.xml;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.ValidationEventLocator;
import java.io.ByteArrayInputStream;
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
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
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
        byte[] document;
        try {
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidXmlException(name, List.of(name + ": cannot be read: " + e.getMessage()));
        }
        // JAXB turns every schema error into a fatal one and stops at the first; a plain Validator goes on
        List<String> problems = validate(document, name, schema);
        if (!problems.isEmpty()) {
            throw new InvalidXmlException(name, problems);
        }
        try {
            Unmarshaller unmarshaller = JAXBContext.newInstance(type).createUnmarshaller();
            unmarshaller.setSchema(schema);
            unmarshaller.setEventHandler(event -> {
                problems.add(describe(name, event));
                return event.getSeverity() == ValidationEvent.WARNING || event.getSeverity() == ValidationEvent.ERROR;
            });
            Object result = unmarshaller.unmarshal(new SAXSource(hardenedReader(), source(document, name)));
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

    /** Every schema violation and the parse error that ends the document, if any, each with its place. */
    private static List<String> validate(byte[] document, String name, Schema schema) {
        List<String> problems = new ArrayList<>();
        ErrorHandler collect = new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                problems.add(describe(name, e));
            }

            @Override
            public void error(SAXParseException e) {
                problems.add(describe(name, e));
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                problems.add(describe(name, e));
                throw e;
            }
        };
        try {
            Validator validator = schema.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setErrorHandler(collect);
            validator.validate(new SAXSource(hardenedReader(), source(document, name)));
        } catch (SAXParseException e) {
            if (problems.isEmpty()) {
                problems.add(describe(name, e));
            }
        } catch (SAXException | IOException e) {
            problems.add(name + ": " + e.getMessage());
        }
        return problems;
    }

    private static InputSource source(byte[] document, String name) {
        InputSource source = new InputSource(new ByteArrayInputStream(document));
        source.setSystemId(name);
        return source;
    }

    private static String describe(String name, SAXParseException e) {
        return name + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage();
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
            return describe(name, parse);
        }
        return name + ": " + (cause != null ? cause.getMessage() : e.getMessage());
    }

    /**
     * A pull parser with the same guarantees, for documents too big to bind whole (scanner results):
     * DTDs and external entities are not processed, and a DOCTYPE, which only entity tricks need, fails
     * the read where it stands. The JDK's own StAX implementation is used, whatever else is on the class
     * path, so these settings are known to be honoured.
     */
    public static javax.xml.stream.XMLStreamReader streamReader(InputStream in, String name) throws javax.xml.stream.XMLStreamException {
        javax.xml.stream.XMLInputFactory factory = javax.xml.stream.XMLInputFactory.newDefaultFactory();
        factory.setProperty(javax.xml.stream.XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(javax.xml.stream.XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return new javax.xml.stream.util.StreamReaderDelegate(factory.createXMLStreamReader(name, in)) {
            @Override
            public int next() throws javax.xml.stream.XMLStreamException {
                int event = super.next();
                if (event == javax.xml.stream.XMLStreamConstants.DTD) {
                    throw new javax.xml.stream.XMLStreamException(
                            "DOCTYPE is not allowed: its entities could read local files or expand without bound", getLocation());
                }
                return event;
            }

            @Override
            public int nextTag() throws javax.xml.stream.XMLStreamException {
                // the parent's nextTag would step over a DOCTYPE without passing through next()
                int event = next();
                while (isWhiteSpace() || event == javax.xml.stream.XMLStreamConstants.COMMENT
                        || event == javax.xml.stream.XMLStreamConstants.PROCESSING_INSTRUCTION) {
                    event = next();
                }
                if (event != javax.xml.stream.XMLStreamConstants.START_ELEMENT && event != javax.xml.stream.XMLStreamConstants.END_ELEMENT) {
                    throw new javax.xml.stream.XMLStreamException("expected an element", getLocation());
                }
                return event;
            }
        };
    }

    /** Opens a classpath resource or fails naming it. */
    public static InputStream open(URL url) throws IOException {
        if (url == null) {
            throw new IOException("resource missing");
        }
        return url.openStream();
    }
}
