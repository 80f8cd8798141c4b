package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static io.switchboard.launcher.config.ConfigTestSupport.loadYaml;
import static io.switchboard.launcher.config.ConfigTestSupport.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector's HTTP listeners, WebSocket (RFC 7395) and BOSH (XEP-0206) settings: defaults, parsing, validation. */
class WebListenerConfigTest {

  @TempDir
  Path dir;

  @Test
  void productionDefaultsServeWssOnlyToAnyOriginWithADerivedUrl() {
    SwitchboardConfig c = loadEnv(env());

    assertThat(c.listeners().http().enabled()).isFalse();
    assertThat(c.listeners().http().port()).isEqualTo(5280);
    assertThat(c.listeners().https().enabled()).isTrue();
    assertThat(c.listeners().https().host()).isEqualTo("0.0.0.0");
    assertThat(c.listeners().https().port()).isEqualTo(5443);
    assertThat(c.listeners().websocket().allowedOrigins()).isEmpty();
    assertThat(c.listeners().websocket().publicUrl()).isEmpty();
    assertThat(c.listeners().websocket().seeOtherUri()).isEmpty();
  }

  @Test
  void originsUrlsAndListenersAreReadFromYaml() {
    SwitchboardConfig c = loadYaml(dir, """
        server: {domain: chat.example.com}
        listeners:
          http: {enabled: true, host: 127.0.0.1, port: 15280}
          websocket:
            allowed-origins: [https://chat.example.com, "HTTP://LOCALHOST:8080"]
            public-url: wss://xmpp.example.com/xmpp-websocket
            see-other-uri: https://bosh.example.com/http-bind
        """, Map.of());

    assertThat(c.listeners().http().enabled()).isTrue();
    assertThat(c.listeners().http().port()).isEqualTo(15280);
    assertThat(c.listeners().websocket().allowedOrigins())
        .containsExactly("https://chat.example.com", "http://localhost:8080");
    assertThat(c.listeners().websocket().publicUrl()).contains("wss://xmpp.example.com/xmpp-websocket");
    assertThat(c.listeners().websocket().seeOtherUri()).contains("https://bosh.example.com/http-bind");
    assertThat(c.toSummary()).contains("http=127.0.0.1:15280", "https=0.0.0.0:5443",
        "websocket-origins=https://chat.example.com,http://localhost:8080");
  }

  @Test
  void originsMustBeBareHttpOrigins() {
    for (String bad : new String[] {"chat.example.com", "https://chat.example.com/app", "wss://chat.example.com",
        "https://user@chat.example.com", "null"}) {
      assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_WEBSOCKET_ALLOWED_ORIGINS", bad))))
          .as(bad).singleElement().asString()
          .startsWith("config key 'listeners.websocket.allowed-origins': expected an origin");
    }
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_WEBSOCKET_ALLOWED_ORIGINS",
        "https://a.example,https://a.example")))).singleElement().asString().contains("more than once");
  }

  @Test
  void advertisedUrlMustBeAWebSocketUrlAndARedirectMayAlsoBeBosh() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_WEBSOCKET_PUBLIC_URL",
        "https://xmpp.example.com/xmpp-websocket")))).singleElement().asString()
        .startsWith("config key 'listeners.websocket.public-url': expected a URL starting with wss://, ws://");
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_WEBSOCKET_SEE_OTHER_URI", "ftp://x.example/"))))
        .singleElement().asString().startsWith("config key 'listeners.websocket.see-other-uri': expected a URL");
    assertThat(loadEnv(env("SWITCHBOARD_LISTENERS_WEBSOCKET_SEE_OTHER_URI", "wss://other.example/xmpp-websocket"))
        .listeners().websocket().seeOtherUri()).contains("wss://other.example/xmpp-websocket");
  }

  @Test
  void httpPortsTakePartInTheClashCheckOnlyWhenEnabled() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_HTTPS_PORT", "5222"))))
        .singleElement().asString()
        .startsWith("config key 'listeners.https.port': port 5222 on 0.0.0.0 is already used by"
            + " listeners.c2s.port on 0.0.0.0");
    assertThat(loadEnv(env("SWITCHBOARD_LISTENERS_HTTP_PORT", "5222")).listeners().http().port())
        .isEqualTo(5222); // plain HTTP is off by default
  }

  @Test
  void boshIsOnByDefaultWithXep0124sUsualTimings() {
    SwitchboardConfig.Bosh bosh = loadEnv(env()).listeners().bosh();
    assertThat(bosh.enabled()).isTrue();
    assertThat(bosh.allowedOrigins()).isEmpty();
    assertThat(bosh.publicUrl()).isEmpty();
    assertThat(bosh.maxWait()).hasSeconds(60);
    assertThat(bosh.inactivity()).hasSeconds(60);
    assertThat(bosh.maxPause()).hasSeconds(120);
  }

  @Test
  void boshSettingsAreReadAndChecked() {
    SwitchboardConfig c = loadYaml(dir, """
        server: {domain: chat.example.com}
        listeners:
          bosh:
            enabled: true
            allowed-origins: [https://chat.example.com]
            public-url: https://xmpp.example.com/http-bind
            max-wait: 30s
            inactivity: 90s
            max-pause: 5m
        """, Map.of());
    assertThat(c.listeners().bosh().allowedOrigins()).containsExactly("https://chat.example.com");
    assertThat(c.listeners().bosh().publicUrl()).contains("https://xmpp.example.com/http-bind");
    assertThat(c.listeners().bosh().maxWait()).hasSeconds(30);
    assertThat(c.listeners().bosh().inactivity()).hasSeconds(90);
    assertThat(c.listeners().bosh().maxPause()).hasMinutes(5);
    assertThat(c.toSummary()).contains("bosh=on (max-wait 30s, inactivity 90s)");
    assertThat(loadEnv(env("SWITCHBOARD_LISTENERS_BOSH_ENABLED", "false")).toSummary()).contains("bosh=off");

    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_BOSH_PUBLIC_URL", "wss://x.example/ws"))))
        .singleElement().asString().startsWith("config key 'listeners.bosh.public-url': expected a URL");
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_BOSH_MAX_WAIT", "0s"))))
        .singleElement().asString().startsWith("config key 'listeners.bosh.max-wait'");
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_BOSH_ALLOWED_ORIGINS", "chat.example.com"))))
        .singleElement().asString().startsWith("config key 'listeners.bosh.allowed-origins': expected an origin");
  }
}
