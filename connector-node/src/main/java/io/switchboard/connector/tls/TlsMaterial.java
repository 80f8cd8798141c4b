package io.switchboard.connector.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * The server's TLS certificate and key: the configured PEM files when given, otherwise a
 * self-signed certificate generated once (at first start) under the data directory and reused.
 */
public final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);

    private final Buffer certificatePem;
    private final Buffer privateKeyPem;
    private final String description;

    private TlsMaterial(Buffer certificatePem, Buffer privateKeyPem, String description) {
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
        this.description = description;
    }

    /**
     * @param certificate configured PEM certificate (chain), or null to use a generated one
     * @param privateKey  configured PEM private key, or null
     * @param dataDir     where a generated certificate is kept
     * @param domain      the XMPP domain the generated certificate names
     */
    public static TlsMaterial loadOrGenerate(Path certificate, Path privateKey, Path dataDir, String domain) {
        try {
            if (certificate != null && privateKey != null) {
                return new TlsMaterial(Buffer.buffer(Files.readAllBytes(certificate)),
                        Buffer.buffer(Files.readAllBytes(privateKey)), "configured certificate " + certificate);
            }
            Path dir = dataDir.resolve("tls");
            Path cert = dir.resolve(domain + ".crt.pem");
            Path key = dir.resolve(domain + ".key.pem");
            if (!Files.exists(cert) || !Files.exists(key)) {
                generateSelfSigned(domain, cert, key);
                LOG.warn("No TLS certificate configured: generated a self-signed one for '{}' at {} "
                        + "(clients will have to trust it explicitly)", domain, cert);
            }
            byte[] certBytes = Files.readAllBytes(cert);
            return new TlsMaterial(Buffer.buffer(certBytes), Buffer.buffer(Files.readAllBytes(key)),
                    "self-signed certificate " + cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the TLS certificate: " + e.getMessage(), e);
        }
    }

    static void generateSelfSigned(String domain, Path certFile, Path keyFile) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + domain);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509CertificateHolder holder = builder.build(signer);

            Files.createDirectories(certFile.getParent());
            Files.writeString(certFile, pem(holder), StandardCharsets.US_ASCII);
            // PKCS#8 ("BEGIN PRIVATE KEY"): the form every PEM reader, Vert.x's included, understands.
            Files.writeString(keyFile, pkcs8Pem(pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            restrictToOwner(keyFile);
            LOG.info("Generated self-signed certificate for '{}' (SHA-256 fingerprint {})", domain,
                    HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(holder.getEncoded())));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static String pkcs8Pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot restrict permissions of {}: {}", file, e.toString());
        }
    }

    public PemKeyCertOptions keyCertOptions() {
        return new PemKeyCertOptions().setCertValue(certificatePem).setKeyValue(privateKeyPem);
    }

    public String description() {
        return description;
    }
}
