package org.kuzet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code [collector]}: what {@code kuzet collector} reads from the config file. */
class CollectorSectionTest {
  private static final Path BASE = Path.of("/etc/kuzet");

  private static KuzetConfig.Collector parse(String text) {
    return ConfigLoader.parse("kuzet.conf", text, BASE).collector();
  }

  private static ConfigException error(String text, int line, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
    assertEquals(line, e.line(), e.getMessage());
    assertEquals("[collector] " + key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith("kuzet.conf:" + line + ": [collector] " + key + ": "), e.getMessage());
    return e;
  }

  @Test
  void absentMeansTheFlagsAndDefaultsDecide() {
    KuzetConfig.Collector c = parse("");
    assertNull(c.database());
    assertNull(c.listen());
    assertNull(c.maxInflight());
    assertEquals("[collector] database", c.origin("database"));
  }

  @Test
  void everyKeyMapsToItsFieldAndRemembersItsLine() {
    KuzetConfig.Collector c = parse("""
        [collector]
        database = postgresql://kuzet@db.example.org:5432/kuzet?sslmode=verify-full
        listen = 0.0.0.0:8443
        tls_cert = fullchain.pem
        tls_key = /etc/kuzet/tls/privkey.pem
        max_body = 4M
        max_inflight = 16
        pool_size = 24
        """);
    assertEquals("postgresql://kuzet@db.example.org:5432/kuzet?sslmode=verify-full", c.database());
    assertEquals("0.0.0.0:8443", c.listen());
    assertEquals(Path.of("/etc/kuzet/fullchain.pem"), c.tlsCert(), "relative to the config file");
    assertEquals(Path.of("/etc/kuzet/tls/privkey.pem"), c.tlsKey());
    assertEquals(4L << 20, c.maxBodyBytes());
    assertEquals(16, c.maxInflight());
    assertEquals(24, c.poolSize());
    assertEquals("kuzet.conf:2: [collector] database", c.origin("database"));
    assertEquals("kuzet.conf:3: [collector] listen", c.origin("listen"));
  }

  @Test
  void anSqliteFileIsRelativeToTheConfigFile() {
    assertEquals("/etc/kuzet/collector.db", parse("[collector]\ndatabase = collector.db\n").database());
    assertEquals("/var/lib/kuzet/collector.db",
        parse("[collector]\ndatabase = /var/lib/kuzet/collector.db\n").database());
  }

  @Test
  void aBadValueNamesTheFileLineAndKeyAndNeverShowsAPassword() {
    ConfigException e = error("[collector]\n\ndatabase = postgresql://kuzet:s3cret@db.example.org:5432\n", 3,
        "database");
    assertTrue(e.getMessage().contains("postgresql://[USER[:PASSWORD]@]HOST"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    error("[collector]\nlisten = 8443\n", 2, "listen");
    error("[collector]\nmax_inflight = 0\n", 2, "max_inflight");
    error("[collector]\npool_size = many\n", 2, "pool_size");
    error("[collector]\nmax_body = 12\n", 2, "max_body");
    error("[collector]\ntls_cert = fullchain.pem\n", 2, "tls_cert");
    error("[collector]\ndatabase =\n", 2, "database");
    ConfigException unknown = assertThrows(ConfigException.class, () -> parse("[collector]\nport = 8443\n"));
    assertTrue(unknown.getMessage().startsWith("kuzet.conf:2: [collector] port: unknown key"), unknown.getMessage());
  }

  @Test
  void originsAreKeptOnlyForKeysThatAreSet() {
    assertEquals(Map.of("max_inflight", "kuzet.conf:2: [collector] max_inflight"),
        parse("[collector]\nmax_inflight = 8\n").origins());
  }
}
