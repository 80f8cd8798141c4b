package io.switchboard.loadtest.xmpp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScramTest {

    @AfterEach
    void forgetKeys() {
        Scram.clearCache();
    }

    /** RFC 5802 §5: the SCRAM-SHA-1 example exchange. */
    @Test
    void rfc5802Example() {
        Scram scram = new Scram(Scram.Algorithm.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
        assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        assertThat(scram.clientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"))
                .isEqualTo("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
        assertThat(scram.verifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).isTrue();
        assertThat(scram.verifyServerFinal("v=AAAApqV8S7suAoZWja4dJRkFsKQ=")).isFalse();
    }

    /** RFC 7677 §3: the SCRAM-SHA-256 example exchange. */
    @Test
    void rfc7677Example() {
        Scram scram = new Scram(Scram.Algorithm.SHA_256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFinal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isTrue();
    }

    @Test
    void cachedKeysGiveTheSameProof() {
        String serverFirst = "r=abc123,s=QSXCR+Q6sek8bf92,i=4096";
        String first = new Scram(Scram.Algorithm.SHA_1, "user", "pencil", "abc").clientFinalAfterFirst(serverFirst);
        String again = new Scram(Scram.Algorithm.SHA_1, "user", "pencil", "abc").clientFinalAfterFirst(serverFirst);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void refusesANonceTheServerDidNotExtend() {
        Scram scram = new Scram(Scram.Algorithm.SHA_256, "user", "pencil", "mine");
        scram.clientFirst();
        assertThatThrownBy(() -> scram.clientFinal("r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesUsernames() {
        assertThat(Scram.saslName("a=b,c")).isEqualTo("a=3Db=2Cc");
    }
}
