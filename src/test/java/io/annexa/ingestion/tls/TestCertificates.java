package io.annexa.ingestion.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, so no key material lives in the repository and validity dates are
 * relative to now. Signing goes through the JDK's own providers: BouncyCastle only assembles the certificate.
 */
final class TestCertificates {

    /** A key pair with its certificate chain, leaf first. */
    record Issued(KeyPair keys, List<X509Certificate> chain) {

        X509Certificate certificate() {
            return chain.get(0);
        }

        PrivateKey privateKey() {
            return keys.getPrivate();
        }

        /** In-memory PKCS#12 store holding this key under the alias "server". */
        KeyStore keyStore(char[] password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey(), password, chain.toArray(new Certificate[0]));
            return store;
        }
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    static KeyPair ed25519() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static Issued selfSigned(KeyPair keys, String subject, String signatureAlgorithm, Instant notBefore, Instant notAfter,
                             boolean authority) throws Exception {
        X509Certificate certificate = sign(subject, keys, name(subject), keys.getPrivate(), signatureAlgorithm,
                notBefore, notAfter, authority);
        return new Issued(keys, List.of(certificate));
    }

    static Issued issuedBy(Issued issuer, KeyPair keys, String subject, String signatureAlgorithm, Instant notBefore,
                           Instant notAfter) throws Exception {
        // The issuer's name exactly as encoded in its certificate: a round trip through a string may reorder it.
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        X509Certificate certificate = sign(subject, keys, issuerName, issuer.privateKey(), signatureAlgorithm, notBefore,
                notAfter, false);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain());
        return new Issued(keys, chain);
    }

    /** Parsed the JDK's way, so the certificate's subject reads back as written (BouncyCastle keeps string order). */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                        String signatureAlgorithm, Instant notBefore, Instant notAfter, boolean authority)
            throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + signatureAlgorithm, e);
        }
    }
}
