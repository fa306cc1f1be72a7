package org.kuzet.backend.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * What a scenario row asserts: always {@code x_verdict}, {@code blocking}, {@code accessible} and the exact
 * {@code x_signals}; where the row says so, {@code dns_consistency}, {@code x_failed_hop}, {@code x_blockpage},
 * {@code x_interception} and anything else.
 */
final class Expect {
  final Verdict verdict;
  final Object blocking;
  final Boolean accessible;
  final List<String> signals;
  private boolean checkDns;
  private String dnsConsistency;
  private final List<Consumer<TestKeys>> checks = new ArrayList<>();

  private Expect(Verdict verdict, Object blocking, Boolean accessible, String... signals) {
    this.verdict = verdict;
    this.blocking = blocking;
    this.accessible = accessible;
    this.signals = Arrays.stream(signals).sorted().toList();
  }

  static Expect accessible() {
    return new Expect(Verdict.ACCESSIBLE, false, true);
  }

  static Expect down() {
    return new Expect(Verdict.DOWN, false, false);
  }

  static Expect blocked(String method, String... signals) {
    return new Expect(Verdict.BLOCKED, method, false, signals);
  }

  static Expect inconclusive(String... signals) {
    return new Expect(Verdict.INCONCLUSIVE, null, null, signals);
  }

  /** {@code dns_consistency}: "consistent", "inconsistent", or null (no control). */
  Expect dns(String consistency) {
    checkDns = true;
    dnsConsistency = consistency;
    return this;
  }

  /** {@code x_failed_hop}: where the chain broke. */
  Expect failedHop(int hop, String step, String failure) {
    return and(k -> {
      assertNotNull(k.xFailedHop(), "x_failed_hop");
      assertEquals(hop, k.xFailedHop().path("hop").asInt(-1), "x_failed_hop.hop");
      assertEquals(step, k.xFailedHop().path("step").asText(), "x_failed_hop.step");
      assertEquals(failure, k.xFailedHop().path("failure").asText(), "x_failed_hop.failure");
    });
  }

  Expect blockpage(String... names) {
    return and(k -> assertEquals(List.of(names), k.xBlockpage(), "x_blockpage"));
  }

  /** An interception without a known root, by the injected leaf's issuer. */
  Expect interceptedBy(String issuer) {
    return and(k -> {
      assertNotNull(k.xInterception(), "x_interception");
      assertEquals(issuer, k.xInterception().path("issuer").asText(), "x_interception.issuer");
      assertEquals(true, k.xInterception().path("intercepted").asBoolean(), "x_interception.intercepted");
      assertEquals(false, k.xInterception().has("known_root"), "x_interception.known_root");
    });
  }

  /** A counted known interception root, named, matched as said. */
  Expect knownRoot(String name, String matchedBy) {
    return and(k -> {
      assertNotNull(k.xInterception(), "x_interception");
      assertEquals(name, k.xInterception().at("/known_root/name").asText(), "x_interception.known_root.name");
      assertEquals(matchedBy, k.xInterception().at("/known_root/matched_by").asText(), "known_root.matched_by");
      assertEquals(true, k.xInterception().at("/known_root/counted").asBoolean(), "known_root.counted");
    });
  }

  /** A certificate named like the known root {@code name} without its key: a look-alike, never a known root. */
  Expect lookAlike(String name) {
    return and(k -> {
      assertNotNull(k.xInterception(), "x_interception");
      assertEquals(false, k.xInterception().has("known_root"), "x_interception.known_root");
      assertEquals("name_only", k.xInterception().at("/look_alike/matched_by").asText(), "look_alike.matched_by");
      assertEquals(true, k.xInterception().at("/look_alike/names").toString().contains("\"" + name + "\""),
          "look_alike.names " + k.xInterception().at("/look_alike/names"));
    });
  }

  Expect noInterception() {
    return and(k -> assertEquals(null, k.xInterception(), "x_interception"));
  }

  Expect and(Consumer<TestKeys> check) {
    checks.add(check);
    return this;
  }

  void check(String scenario, TestKeys k) {
    Supplier<String> why = () -> " in \"" + scenario + "\"\n" + summary(k);
    assertEquals(verdict, k.xVerdict(), () -> "x_verdict" + why.get());
    assertEquals(blocking == null ? null : Blocking.fromWire(blocking), k.blocking(), () -> "blocking" + why.get());
    assertEquals(accessible, k.accessible(), () -> "accessible" + why.get());
    assertEquals(signals, k.xSignals().stream().map(Signal::wire).toList(), () -> "x_signals" + why.get());
    if (checkDns) {
      assertEquals(dnsConsistency, k.dnsConsistency(), () -> "dns_consistency" + why.get());
    }
    for (Consumer<TestKeys> c : checks) {
      try {
        c.accept(k);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + why.get(), e);
      }
    }
  }

  @Override
  public String toString() {
    return verdict.toString().toLowerCase(java.util.Locale.ROOT) + (blocking instanceof String s ? " (" + s + ")" : "")
        + " " + signals;
  }

  /** The verdict keys plus what the probe and the control saw, for a failure message a human can act on. */
  static String summary(TestKeys k) {
    ObjectNode o = MeasurementJson.mapper().valueToTree(k);
    for (String bulky : List.of("queries", "tls_handshakes")) {
      o.remove(bulky);
    }
    for (JsonNode r : o.path("requests")) {
      if (r.path("response") instanceof ObjectNode resp) {
        resp.remove("body");
        resp.remove("headers_list");
      }
    }
    return o.toPrettyString();
  }
}
