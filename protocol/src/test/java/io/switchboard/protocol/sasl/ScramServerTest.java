package io.switchboard.protocol.sasl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import rocks.xmpp.precis.PrecisProfiles;

class ScramServerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, UTF_8);
    }

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    @Nested
    class RfcExamples {

        @Test
        void rfc5802Section5ScramSha1() throws SaslException {
            ScramCredential credential = ScramCredential.derive(
                    ScramAlgorithm.SHA_1, "pencil", b64("QSXCR+Q6sek8bf92"), 4096);
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1, "3rfcNHYJY1ZVvWVs7j");

            assertThat(server.receiveClientFirst(bytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"))).isEqualTo("user");
            assertThat(server.username()).isEqualTo("user");
            assertThat(server.authorizationId()).isNull();

            assertThat(string(server.serverFirst(credential))).isEqualTo(
                    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
            assertThat(server.isComplete()).isFalse();

            byte[] serverFinal = server.receiveClientFinal(bytes(
                    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));

            assertThat(string(serverFinal)).isEqualTo("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
            assertThat(server.isComplete()).isTrue();
        }

        @Test
        void rfc7677Section3ScramSha256() throws SaslException {
            ScramCredential credential = ScramCredential.derive(
                    ScramAlgorithm.SHA_256, "pencil", b64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

            assertThat(server.receiveClientFirst(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))).isEqualTo("user");
            assertThat(string(server.serverFirst(credential))).isEqualTo(
                    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");

            byte[] serverFinal = server.receiveClientFinal(bytes(
                    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));

            assertThat(string(serverFinal)).isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
            assertThat(server.isComplete()).isTrue();
        }

        @Test
        void rfc5802ExampleWithAnAlteredProofFails() throws SaslException {
            ScramCredential credential = ScramCredential.derive(
                    ScramAlgorithm.SHA_1, "pencil", b64("QSXCR+Q6sek8bf92"), 4096);
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1, "3rfcNHYJY1ZVvWVs7j");
            server.receiveClientFirst(bytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
            server.serverFirst(credential);

            byte[] proof = b64("v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
            proof[0] ^= 1;
            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(bytes(
                    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p="
                            + Base64.getEncoder().encodeToString(proof))));

            assertThat(e.condition()).isEqualTo(SaslCondition.NOT_AUTHORIZED);
            assertThat(server.isComplete()).isFalse();
        }
    }

    @Nested
    class RoundTrip {

        @ParameterizedTest
        @EnumSource(ScramAlgorithm.class)
        void clientAndServerAgree(ScramAlgorithm algorithm) throws SaslException {
            ScramCredential credential = ScramCredential.derive(algorithm, "correct horse", salt(), 4096);
            TestScramClient client = new TestScramClient(algorithm, "romeo", "correct horse");
            ScramServer server = new ScramServer(algorithm);

            assertThat(server.receiveClientFirst(client.clientFirst())).isEqualTo("romeo");
            byte[] clientFinal = client.clientFinal(server.serverFirst(credential));
            byte[] serverFinal = server.receiveClientFinal(clientFinal);

            assertThat(client.verifyServerFinal(serverFinal)).isTrue();
            assertThat(server.isComplete()).isTrue();
        }

        @ParameterizedTest
        @EnumSource(ScramAlgorithm.class)
        void nonAsciiNamesAndPasswordsWithEscapesAndAuthzid(ScramAlgorithm algorithm) throws SaslException {
            ScramCredential credential = ScramCredential.derive(algorithm, "p\u00E4ss w\u00F6rd", salt(), 10);
            // The client prepares the password with OpaqueString too, so a no-break space matches.
            TestScramClient client = new TestScramClient(algorithm, "j\u00FCr,g=en", "p\u00E4ss\u00A0w\u00F6rd")
                    .authzid("admin,=x@example.com");
            ScramServer server = new ScramServer(algorithm);

            assertThat(server.receiveClientFirst(client.clientFirst())).isEqualTo("j\u00FCr,g=en");
            assertThat(server.authorizationId()).isEqualTo("admin,=x@example.com");
            byte[] serverFinal = server.receiveClientFinal(client.clientFinal(server.serverFirst(credential)));

            assertThat(client.verifyServerFinal(serverFinal)).isTrue();
        }

        @ParameterizedTest
        @EnumSource(ScramAlgorithm.class)
        void wrongPasswordIsNotAuthorized(ScramAlgorithm algorithm) throws SaslException {
            ScramCredential credential = ScramCredential.derive(algorithm, "correct horse", salt(), 4096);
            TestScramClient client = new TestScramClient(algorithm, "romeo", "battery staple");
            ScramServer server = new ScramServer(algorithm);
            server.receiveClientFirst(client.clientFirst());
            byte[] clientFinal = client.clientFinal(server.serverFirst(credential));

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(clientFinal));

            assertThat(e.condition()).isEqualTo(SaslCondition.NOT_AUTHORIZED);
            assertThat(e.condition().elementName()).isEqualTo("not-authorized");
            assertThat(server.isComplete()).isFalse();
        }

        @Test
        void clientExtensionsAreIgnoredButCoveredByTheProof() throws SaslException {
            ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_256, "pw", salt(), 10);
            TestScramClient client = new TestScramClient(ScramAlgorithm.SHA_256, "romeo", "pw")
                    .firstExtensions(",x=first").finalExtensions(",y=final,z=more");
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);
            server.receiveClientFirst(client.clientFirst());

            byte[] serverFinal = server.receiveClientFinal(client.clientFinal(server.serverFirst(credential)));

            assertThat(client.verifyServerFinal(serverFinal)).isTrue();
        }

        @Test
        void yFlagIsAcceptedAndMustBeEchoed() throws SaslException {
            ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_256, "pw", salt(), 10);
            TestScramClient client = new TestScramClient(ScramAlgorithm.SHA_256, "romeo", "pw").gs2Flag("y");
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);
            server.receiveClientFirst(client.clientFirst());

            byte[] serverFinal = server.receiveClientFinal(client.clientFinal(server.serverFirst(credential)));

            assertThat(client.verifyServerFinal(serverFinal)).isTrue();
        }
    }

    @Nested
    class UnknownUser {

        private final Pattern serverFirst = Pattern.compile("r=(clientnonce[^,]+),s=([A-Za-z0-9+/=]+),i=4096");

        private Matcher serverFirstFor(ScramAlgorithm algorithm, String user) throws SaslException {
            ScramServer server = new ScramServer(algorithm);
            server.receiveClientFirst(bytes("n,,n=" + user + ",r=clientnonce"));
            Matcher m = serverFirst.matcher(string(server.serverFirst(null)));
            assertThat(m.matches()).isTrue();
            return m;
        }

        @ParameterizedTest
        @EnumSource(ScramAlgorithm.class)
        void getsAPlausibleServerFirstMessage(ScramAlgorithm algorithm) throws SaslException {
            Matcher m = serverFirstFor(algorithm, "nobody");

            assertThat(m.group(1)).startsWith("clientnonce").hasSizeGreaterThan("clientnonce".length() + 20);
            assertThat(b64(m.group(2))).hasSize(16);
        }

        @Test
        void fakeSaltIsStablePerUserAndCaseInsensitive() throws SaslException {
            String salt = serverFirstFor(ScramAlgorithm.SHA_256, "nobody").group(2);

            assertThat(serverFirstFor(ScramAlgorithm.SHA_256, "nobody").group(2)).isEqualTo(salt);
            assertThat(serverFirstFor(ScramAlgorithm.SHA_256, "NoBody").group(2)).isEqualTo(salt);
            assertThat(serverFirstFor(ScramAlgorithm.SHA_256, "somebody").group(2)).isNotEqualTo(salt);
            assertThat(serverFirstFor(ScramAlgorithm.SHA_1, "nobody").group(2)).isNotEqualTo(salt);
        }

        @ParameterizedTest
        @EnumSource(ScramAlgorithm.class)
        void failsAtTheFinalStepWithNotAuthorized(ScramAlgorithm algorithm) throws SaslException {
            TestScramClient client = new TestScramClient(algorithm, "nobody", "guess");
            ScramServer server = new ScramServer(algorithm);
            server.receiveClientFirst(client.clientFirst());
            byte[] clientFinal = client.clientFinal(server.serverFirst(null));

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(clientFinal));

            assertThat(e.condition()).isEqualTo(SaslCondition.NOT_AUTHORIZED);
            assertThat(server.isComplete()).isFalse();
        }
    }

    @Nested
    class ClientFirstValidation {

        @ParameterizedTest
        @ValueSource(strings = {"p=tls-unique,,n=user,r=abc", "p=tls-server-end-point,a=admin,n=user,r=abc"})
        void channelBindingIsRefused(String message) {
            SaslException e = catchThrowableOfType(SaslException.class,
                    () -> new ScramServer(ScramAlgorithm.SHA_256).receiveClientFirst(bytes(message)));

            assertThat(e.condition()).isEqualTo(SaslCondition.MALFORMED_REQUEST);
            assertThat(e).hasMessageContaining("channel binding not supported");
        }

        static Stream<Arguments> malformedClientFirst() {
            return Stream.of(
                    arguments("", "empty message"),
                    arguments("n", "GS2 header without comma"),
                    arguments("n,", "GS2 header without authzid terminator"),
                    arguments("x,,n=user,r=abc", "unknown GS2 flag"),
                    arguments("N,,n=user,r=abc", "flags are case-sensitive"),
                    arguments("n,n=user,r=abc", "missing authzid field"),
                    arguments("n,a=,n=user,r=abc", "empty authzid"),
                    arguments("n,a=admin", "unterminated authzid"),
                    arguments("n,b=admin,n=user,r=abc", "unknown GS2 attribute"),
                    arguments("n,,", "empty bare message"),
                    arguments("n,,r=abc", "missing username"),
                    arguments("n,,r=abc,n=user", "attributes out of order"),
                    arguments("n,,n=user", "missing nonce"),
                    arguments("n,,n=user,", "missing nonce after comma"),
                    arguments("n,,n=user,x=1,r=abc", "extension before nonce"),
                    arguments("n,,n=,r=abc", "empty username"),
                    arguments("n,,n=user,r=", "empty nonce"),
                    arguments("n,,n=user,r=ab c", "space in nonce"),
                    arguments("n,,n=user,r=ab\u00E9", "non-ASCII in nonce"),
                    arguments("n,,n=user,r=ab\u007F", "DEL in nonce"),
                    arguments("n,,n=user,r=ab\tc", "control in nonce"),
                    arguments("n,,m=ext,n=user,r=abc", "reserved mandatory extension"),
                    arguments("n,,n=us=er,r=abc", "bare '=' in saslname"),
                    arguments("n,,n=user=2c,r=abc", "lower-case escape"),
                    arguments("n,,n=user=3,r=abc", "truncated escape"),
                    arguments("n,,n=user=,r=abc", "escape at end"),
                    arguments("n,,n=user=41,r=abc", "escape other than =2C / =3D"),
                    arguments("n,a=ad=min,n=user,r=abc", "bad escape in authzid"),
                    arguments("n,,n=user,r=abc,", "trailing comma"),
                    arguments("n,,n=user,r=abc,1=x", "extension name not ALPHA"),
                    arguments("n,,n=user,r=abc,x=", "empty extension value"),
                    arguments("n,,n=user,r=abc,xy=1", "extension name longer than one letter"),
                    arguments("n,,n=us\0er,r=abc", "NUL in username"));
        }

        @ParameterizedTest(name = "[{index}] {1}")
        @MethodSource("malformedClientFirst")
        void malformedMessagesAreRejected(String message, String why) {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFirst(bytes(message)));

            assertThat(e).as(why).isNotNull();
            assertThat(e.condition()).as(why).isEqualTo(SaslCondition.MALFORMED_REQUEST);
            assertThatThrownBy(() -> server.serverFirst(null)).isInstanceOf(IllegalStateException.class);
        }

        @ParameterizedTest
        @MethodSource("io.switchboard.protocol.sasl.ScramServerTest#invalidUtf8")
        void invalidUtf8IsIncorrectEncoding(byte[] invalid) {
            byte[] message = concat(bytes("n,,n=us"), invalid, bytes("er,r=abc"));

            SaslException e = catchThrowableOfType(SaslException.class,
                    () -> new ScramServer(ScramAlgorithm.SHA_256).receiveClientFirst(message));

            assertThat(e.condition()).isEqualTo(SaslCondition.INCORRECT_ENCODING);
        }

        static Stream<Arguments> saslnames() {
            return Stream.of(
                    arguments("user", "user"),
                    arguments("a=2Cb", "a,b"),
                    arguments("a=3Db", "a=b"),
                    arguments("=2C=3D=2C", ",=,"),
                    arguments("=3D2C", "=2C"),
                    arguments("j\u00FCrgen", "j\u00FCrgen"),
                    arguments("User@Example", "User@Example"));
        }

        @ParameterizedTest
        @MethodSource("saslnames")
        void saslnameEscapesAreDecoded(String encoded, String decoded) throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);

            assertThat(server.receiveClientFirst(bytes("n,a=" + encoded + ",n=" + encoded + ",r=abc"))).isEqualTo(decoded);
            assertThat(server.username()).isEqualTo(decoded);
            assertThat(server.authorizationId()).isEqualTo(decoded);
        }

        @Test
        void acceptsExtensionsAfterTheNonce() throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);

            assertThat(server.receiveClientFirst(bytes("y,,n=user,r=abc,x=1,Y=a=b"))).isEqualTo("user");
        }
    }

    @Nested
    class ClientFinalValidation {

        private static final String NONCE = "cnonce" + "snonce";
        private final ScramCredential credential = ScramCredential.derive(
                ScramAlgorithm.SHA_256, "pencil", b64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        private static final String VALID_PROOF = Base64.getEncoder().encodeToString(new byte[32]);

        private ScramServer serverAwaitingFinal(String clientFirst) throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256, "snonce");
            server.receiveClientFirst(bytes(clientFirst));
            server.serverFirst(credential);
            return server;
        }

        static Stream<Arguments> malformedClientFinal() {
            return Stream.of(
                    arguments("", "empty"),
                    arguments("c=biws,r=" + NONCE, "missing proof"),
                    arguments("r=" + NONCE + ",p=" + VALID_PROOF, "missing channel binding"),
                    arguments("r=" + NONCE + ",c=biws,p=" + VALID_PROOF, "attributes out of order"),
                    arguments("c=biws,p=" + VALID_PROOF, "missing nonce"),
                    arguments("c=biws,x=1,r=" + NONCE + ",p=" + VALID_PROOF, "extension before nonce"),
                    arguments("c=biws,r=" + NONCE + ",p=" + VALID_PROOF + ",x=1", "attribute after proof"),
                    arguments("c=biws,r=" + NONCE + ",1=x,p=" + VALID_PROOF, "bad extension name"),
                    arguments("c=biws,r=" + NONCE + ",x=,p=" + VALID_PROOF, "empty extension value"),
                    arguments("c=bi ws,r=" + NONCE + ",p=" + VALID_PROOF, "channel binding not base64"),
                    arguments("c=biws,r=" + NONCE + ",p=!!!!", "proof not base64"),
                    arguments("c=biws,r=" + NONCE + ",p=", "empty proof"),
                    arguments("c=biws,r=" + NONCE + ",p=AAAA", "proof too short"),
                    arguments("c=biws,r=" + NONCE + ",p=" + Base64.getEncoder().encodeToString(new byte[33]), "proof too long"),
                    arguments("c=biws,r=" + NONCE + ",p=" + VALID_PROOF + "\0", "NUL"));
        }

        @ParameterizedTest(name = "[{index}] {1}")
        @MethodSource("malformedClientFinal")
        void malformedMessagesAreRejected(String message, String why) throws SaslException {
            ScramServer server = serverAwaitingFinal("n,,n=user,r=cnonce");

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(bytes(message)));

            assertThat(e).as(why).isNotNull();
            assertThat(e.condition()).as(why).isEqualTo(SaslCondition.MALFORMED_REQUEST);
            assertThat(server.isComplete()).isFalse();
        }

        static Stream<Arguments> mismatchedClientFinal() {
            return Stream.of(
                    arguments("n,,n=user,r=cnonce", "c=eSws,r=" + NONCE, "y flag echoed for n"),
                    arguments("y,,n=user,r=cnonce", "c=biws,r=" + NONCE, "n flag echoed for y"),
                    arguments("n,a=admin,n=user,r=cnonce", "c=biws,r=" + NONCE, "authzid dropped"),
                    arguments("n,,n=user,r=cnonce", "c=,r=" + NONCE, "empty channel binding"),
                    arguments("n,,n=user,r=cnonce", "c=biws,r=cnonce", "client nonce only"),
                    arguments("n,,n=user,r=cnonce", "c=biws,r=" + NONCE + "x", "extended nonce"),
                    arguments("n,,n=user,r=cnonce", "c=biws,r=", "empty nonce"),
                    arguments("n,,n=user,r=cnonce", "c=biws,r=" + NONCE, "proof of zeros"));
        }

        @ParameterizedTest(name = "[{index}] {2}")
        @MethodSource("mismatchedClientFinal")
        void mismatchesAreNotAuthorized(String clientFirst, String withoutProof, String why) throws SaslException {
            ScramServer server = serverAwaitingFinal(clientFirst);

            SaslException e = catchThrowableOfType(SaslException.class,
                    () -> server.receiveClientFinal(bytes(withoutProof + ",p=" + VALID_PROOF)));

            assertThat(e).as(why).isNotNull();
            assertThat(e.condition()).as(why).isEqualTo(SaslCondition.NOT_AUTHORIZED);
        }

        @Test
        void channelBindingMismatchIsRejectedEvenWithAValidProof() throws SaslException {
            // A correct proof over an AuthMessage whose c= lies about the GS2 header.
            TestScramClient client = new TestScramClient(ScramAlgorithm.SHA_256, "user", "pencil").channelBindingOverride("eSws");
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);
            server.receiveClientFirst(client.clientFirst());
            byte[] clientFinal = client.clientFinal(server.serverFirst(credential));

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(clientFinal));

            assertThat(e.condition()).isEqualTo(SaslCondition.NOT_AUTHORIZED);
        }

        @ParameterizedTest
        @MethodSource("io.switchboard.protocol.sasl.ScramServerTest#invalidUtf8")
        void invalidUtf8IsIncorrectEncoding(byte[] invalid) throws SaslException {
            ScramServer server = serverAwaitingFinal("n,,n=user,r=cnonce");
            byte[] message = concat(bytes("c=biws,r=" + NONCE + ",x="), invalid, bytes(",p=" + VALID_PROOF));

            SaslException e = catchThrowableOfType(SaslException.class, () -> server.receiveClientFinal(message));

            assertThat(e.condition()).isEqualTo(SaslCondition.INCORRECT_ENCODING);
        }
    }

    @Nested
    class StateMachine {

        private final ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", salt(), 4096);

        @Test
        void serverFirstBeforeClientFirst() {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);

            assertThatThrownBy(() -> server.serverFirst(credential)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.serverFirst(null)).isInstanceOf(IllegalStateException.class);
            assertThat(server.username()).isNull();
        }

        @Test
        void clientFinalBeforeServerFirst() throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);
            assertThatThrownBy(() -> server.receiveClientFinal(bytes("c=biws,r=x,p=AAAA")))
                    .isInstanceOf(IllegalStateException.class);

            server.receiveClientFirst(bytes("n,,n=user,r=abc"));
            assertThatThrownBy(() -> server.receiveClientFinal(bytes("c=biws,r=x,p=AAAA")))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void eachStepOnlyOnce() throws SaslException {
            TestScramClient client = new TestScramClient(ScramAlgorithm.SHA_1, "user", "pencil");
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);
            server.receiveClientFirst(client.clientFirst());
            assertThatThrownBy(() -> server.receiveClientFirst(client.clientFirst())).isInstanceOf(IllegalStateException.class);

            byte[] serverFirst = server.serverFirst(credential);
            assertThatThrownBy(() -> server.serverFirst(credential)).isInstanceOf(IllegalStateException.class);

            byte[] clientFinal = client.clientFinal(serverFirst);
            server.receiveClientFinal(clientFinal);
            assertThat(server.isComplete()).isTrue();
            assertThatThrownBy(() -> server.receiveClientFinal(clientFinal)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.receiveClientFirst(client.clientFirst())).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aFailureEndsTheExchange() throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_1);
            server.receiveClientFirst(bytes("n,,n=user,r=abc"));
            server.serverFirst(credential);
            assertThatThrownBy(() -> server.receiveClientFinal(bytes("garbage"))).isInstanceOf(SaslException.class);

            // Even a now-correct message is refused: the attempt is over.
            assertThatThrownBy(() -> server.receiveClientFinal(bytes("c=biws,r=abc,p=AAAA")))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(server.isComplete()).isFalse();
        }

        @Test
        void credentialMustMatchTheAlgorithm() throws SaslException {
            ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);
            server.receiveClientFirst(bytes("n,,n=user,r=abc"));

            assertThatThrownBy(() -> server.serverFirst(credential))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SHA_1");
        }
    }

    @Nested
    class ServerNonce {

        @Test
        void randomNonceIsPrintableAndFresh() throws SaslException {
            Map<String, Boolean> seen = new HashMap<>();
            for (int i = 0; i < 50; i++) {
                ScramServer server = new ScramServer(ScramAlgorithm.SHA_256);
                server.receiveClientFirst(bytes("n,,n=user,r=C"));
                String first = string(server.serverFirst(null));
                String serverPart = first.substring("r=C".length(), first.indexOf(','));
                assertThat(serverPart).hasSize(32).matches("[\\x21-\\x2B\\x2D-\\x7E]+");
                assertThat(seen.put(serverPart, true)).isNull();
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a,b", "a b", "\u00E9"})
        void explicitNonceMustBePrintable(String nonce) {
            assertThatThrownBy(() -> new ScramServer(ScramAlgorithm.SHA_1, nonce)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    static Stream<byte[]> invalidUtf8() {
        return Stream.of(
                new byte[] {(byte) 0xC3, 0x28},              // truncated two-octet sequence
                new byte[] {(byte) 0xC0, (byte) 0xAF},       // overlong '/'
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0x80});
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int pos = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, pos, part.length);
            pos += part.length;
        }
        return out;
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /**
     * A minimal client side of RFC 5802, written independently of the server code (it uses the
     * JCA directly, not ScramAlgorithm), to check that the two interoperate.
     */
    static final class TestScramClient {

        private final ScramAlgorithm algorithm;
        private final String username;
        private final String password;
        private final String clientNonce;
        private String gs2Flag = "n";
        private String authzid;
        private String firstExtensions = "";
        private String finalExtensions = "";
        private String channelBindingOverride;

        private String clientFirstBare;
        private byte[] expectedServerSignature;

        TestScramClient(ScramAlgorithm algorithm, String username, String password) {
            this.algorithm = algorithm;
            this.username = username;
            this.password = password;
            byte[] nonce = new byte[18];
            new SecureRandom().nextBytes(nonce);
            this.clientNonce = Base64.getEncoder().encodeToString(nonce);
        }

        TestScramClient gs2Flag(String flag) {
            this.gs2Flag = flag;
            return this;
        }

        TestScramClient authzid(String authzid) {
            this.authzid = authzid;
            return this;
        }

        TestScramClient firstExtensions(String extensions) {
            this.firstExtensions = extensions;
            return this;
        }

        TestScramClient finalExtensions(String extensions) {
            this.finalExtensions = extensions;
            return this;
        }

        TestScramClient channelBindingOverride(String c) {
            this.channelBindingOverride = c;
            return this;
        }

        private String gs2Header() {
            return gs2Flag + "," + (authzid == null ? "" : "a=" + escape(authzid)) + ",";
        }

        byte[] clientFirst() {
            clientFirstBare = "n=" + escape(username) + ",r=" + clientNonce + firstExtensions;
            return bytes(gs2Header() + clientFirstBare);
        }

        byte[] clientFinal(byte[] serverFirstMessage) {
            String serverFirst = string(serverFirstMessage);
            Matcher m = Pattern.compile("r=([^,]+),s=([^,]+),i=(\\d+)").matcher(serverFirst);
            assertThat(m.matches()).as(serverFirst).isTrue();
            String nonce = m.group(1);
            assertThat(nonce).startsWith(clientNonce).isNotEqualTo(clientNonce);
            byte[] salt = b64(m.group(2));
            int iterations = Integer.parseInt(m.group(3));

            String c = channelBindingOverride != null ? channelBindingOverride
                    : Base64.getEncoder().encodeToString(bytes(gs2Header()));
            String withoutProof = "c=" + c + ",r=" + nonce + finalExtensions;
            byte[] authMessage = bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);

            byte[] saltedPassword = pbkdf2(bytes(PrecisProfiles.OPAQUE_STRING.enforce(password)), salt, iterations);
            byte[] clientKey = hmac(saltedPassword, bytes("Client Key"));
            byte[] storedKey = digest(clientKey);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            expectedServerSignature = hmac(hmac(saltedPassword, bytes("Server Key")), authMessage);
            return bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        }

        boolean verifyServerFinal(byte[] serverFinal) {
            String s = string(serverFinal);
            return s.startsWith("v=") && MessageDigest.isEqual(b64(s.substring(2)), expectedServerSignature);
        }

        private static String escape(String saslname) {
            return saslname.replace("=", "=3D").replace(",", "=2C");
        }

        private byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
            byte[] u = hmac(password, concat(salt, new byte[] {0, 0, 0, 1}));
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = hmac(password, u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        }

        private byte[] hmac(byte[] key, byte[] data) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance(algorithm.hmacAlgorithm());
                mac.init(new javax.crypto.spec.SecretKeySpec(key, algorithm.hmacAlgorithm()));
                return mac.doFinal(data);
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        private byte[] digest(byte[] data) {
            try {
                return MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(data);
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
    }
}
