package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kuzet.backend.collector.CollectorStore.DomainDay;
import org.kuzet.backend.collector.CollectorStore.NetworkDay;
import org.kuzet.backend.collector.CollectorStore.Outcome;
import org.kuzet.backend.collector.CollectorStore.Stored;
import org.kuzet.core.testing.TestUploads;
import org.kuzet.schema.CanonicalJson;

/**
 * The {@link CollectorStore} contract, run against every store: {@code SqliteCollectorStoreContractTest} and
 * {@code PostgresCollectorStoreContractTest} (a real server) only say how to open one.
 */
abstract class CollectorStoreContract {
  static final Instant T = Instant.parse("2026-11-23T09:00:00Z");

  /** A new, empty store. */
  abstract CollectorStore create() throws IOException;

  /** The store last created, opened again (a collector restart). */
  abstract CollectorStore reopen() throws IOException;

  static ObjectNode measurement(String uid, String start, String asn, String input, String verdict,
      String... signals) {
    ObjectNode m = TestUploads.measurement(uid);
    m.put("measurement_start_time", start);
    m.put("test_start_time", start);
    m.put("probe_asn", asn);
    m.put("input", input);
    ObjectNode keys = (ObjectNode) m.get("test_keys");
    keys.put("x_verdict", verdict);
    keys.putArray("x_signals").addAll(java.util.Arrays.stream(signals)
        .map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList());
    return m;
  }

  static ReceivedMeasurement row(ObjectNode m, String keyId) {
    return new ReceivedMeasurement(m.get("measurement_uid").asText(), keyId, T,
        new String(CanonicalJson.encode(m), StandardCharsets.UTF_8),
        "{\"alg\":\"ed25519\",\"key_id\":\"" + keyId + "\"}", ReceivedMeasurement.Summary.of(m));
  }

  static ReceivedMeasurement row(String uid, String keyId) {
    return row(measurement(uid, "2026-11-22 10:10:10", "AS9198", "https://holanews.kz/", "blocked", "dns.bogon"),
        keyId);
  }

  private static List<Stored> exported(CollectorStore store, LocalDateTime since) throws IOException {
    List<Stored> out = new ArrayList<>();
    store.export(since, out::add);
    return out;
  }

  @Test
  void storesOnceAndTellsDuplicatesFromConflicts() throws IOException {
    ReceivedMeasurement a = row("a", "k1");
    ReceivedMeasurement aChanged = row(measurement("a", "2026-11-22 10:10:10", "AS9198", "https://holanews.kz/",
        "accessible"), "k1");
    try (CollectorStore store = create()) {
      assertEquals(List.of(Outcome.STORED, Outcome.DUPLICATE, Outcome.CONFLICT, Outcome.STORED),
          store.store(List.of(a, a, aChanged, row("b", "k1"))));
      assertEquals(List.of(Outcome.DUPLICATE, Outcome.CONFLICT, Outcome.CONFLICT, Outcome.DUPLICATE),
          store.store(List.of(a, row("b", "k2"), aChanged, a)));
      assertEquals(2, store.count());
      Stored kept = exported(store, LocalDateTime.of(2000, 1, 1, 0, 0)).get(0);
      assertEquals(a.measurementJson(), kept.measurementJson(), "a conflicting upload overwrote the stored one");
      assertEquals("k1", kept.keyId());
    }
  }

  @Test
  void keepsRowsAcrossReopen() throws IOException {
    try (CollectorStore store = create()) {
      store.store(List.of(row("a", "k")));
    }
    try (CollectorStore store = reopen()) {
      assertEquals(1, store.count());
      assertEquals(List.of(Outcome.DUPLICATE, Outcome.STORED), store.store(List.of(row("a", "k"), row("b", "k"))));
    }
  }

  /** A batch that breaks half-way (here: the batch list itself, as an exhausted heap would) stores nothing. */
  @Test
  void aBatchThatFailsHalfWayStoresNothing() throws IOException {
    List<ReceivedMeasurement> rows = List.of(row("a", "k"), row("b", "k"), row("c", "k"), row("d", "k"));
    try (CollectorStore store = create()) {
      List<ReceivedMeasurement> breaking = new java.util.AbstractList<>() {
        @Override
        public ReceivedMeasurement get(int i) {
          if (i == 2) {
            throw new IllegalStateException("injected");
          }
          return rows.get(i);
        }

        @Override
        public int size() {
          return rows.size();
        }
      };
      assertThrows(IllegalStateException.class, () -> store.store(breaking));
      assertEquals(0, store.count());
      assertEquals(Collections.nCopies(4, Outcome.STORED), store.store(rows), "the store is usable after it");
    }
  }

  /** Sixteen uploaders sending the same UIDs at once, in different orders: each UID is stored exactly once. */
  @Test
  void concurrentUploadsOfTheSameUidsStoreEachOnce() throws Exception {
    List<ReceivedMeasurement> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(row("u" + i, "k"));
    }
    try (CollectorStore store = create()) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<List<Outcome>>> results = new ArrayList<>();
        List<List<ReceivedMeasurement>> orders = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          List<ReceivedMeasurement> order = new ArrayList<>(rows);
          Collections.shuffle(order, new Random(t));
          orders.add(order);
          Callable<List<Outcome>> upload = () -> store.store(order);
          results.add(pool.submit(upload));
        }
        java.util.Map<String, Integer> storedTimes = new java.util.HashMap<>();
        for (int t = 0; t < 16; t++) {
          List<Outcome> outcomes = results.get(t).get(120, TimeUnit.SECONDS);
          for (int i = 0; i < outcomes.size(); i++) {
            assertTrue(outcomes.get(i) != Outcome.CONFLICT, "identical resends are never conflicts");
            if (outcomes.get(i) == Outcome.STORED) {
              storedTimes.merge(orders.get(t).get(i).uid(), 1, Integer::sum);
            }
          }
        }
        assertEquals(60, storedTimes.size());
        assertTrue(storedTimes.values().stream().allMatch(n -> n == 1), storedTimes.toString());
        assertEquals(60, store.count());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void exportsExactlyWhatWasSignedSinceAGivenTime() throws IOException {
    ObjectNode old = measurement("old", "2026-10-31 23:59:59", "AS9198", "https://a.kz/", "accessible");
    ObjectNode nul = measurement("nul", "2026-11-01 00:00:00", "AS9198", "https://a.kz/", "accessible");
    nul.put("x_note", "before\u0000after ünïcödé");
    ObjectNode late = measurement("late", "2026-11-20 08:00:00", "AS9198", "https://a.kz/", "accessible");
    try (CollectorStore store = create()) {
      store.store(List.of(row(late, "k"), row(old, "k"), row(nul, "k")));
      List<Stored> since = exported(store, LocalDateTime.of(2026, 11, 1, 0, 0));
      assertEquals(List.of("nul", "late"), since.stream().map(Stored::uid).toList());
      assertEquals(row(nul, "k").measurementJson(), since.get(0).measurementJson(), "NUL or non-ASCII not kept");
      assertEquals(row(nul, "k").signatureJson(), since.get(0).signatureJson());
      assertEquals(T, since.get(0).receivedAt());
      assertEquals(3, exported(store, LocalDateTime.of(2000, 1, 1, 0, 0)).size());
    }
  }

  @Test
  void countsBlockedPerNetworkPerDayWithTheMethodsSeen() throws IOException {
    try (CollectorStore store = create()) {
      store.store(List.of(
          row(measurement("1", "2026-11-22 10:00:00", "AS9198", "https://a.kz/", "blocked", "dns.bogon"), "k1"),
          row(measurement("2", "2026-11-22 11:00:00", "AS9198", "https://b.kz/", "blocked", "http.451",
              "tcp.reset"), "k2"),
          row(measurement("3", "2026-11-22 12:00:00", "AS9198", "https://c.kz/", "accessible"), "k1"),
          row(measurement("4", "2026-11-22 23:59:59", "AS48716", "https://a.kz/", "accessible"), "k3"),
          row(measurement("5", "2026-11-23 00:00:00", "AS9198", "https://a.kz/", "blocked", "dns.bogon"), "k1"),
          row(measurement("6", "2026-11-30 00:00:00", "AS9198", "https://a.kz/", "blocked", "dns.bogon"), "k1")));
      List<NetworkDay> days = store.blockedPerNetworkPerDay(LocalDateTime.of(2026, 11, 22, 0, 0),
          LocalDateTime.of(2026, 11, 24, 0, 0));
      assertEquals(List.of(
          new NetworkDay(LocalDate.of(2026, 11, 22), "AS48716", 1, 0, new TreeSet<>()),
          new NetworkDay(LocalDate.of(2026, 11, 22), "AS9198", 3, 2,
              new TreeSet<>(List.of("dns.bogon", "http.451", "tcp.reset"))),
          new NetworkDay(LocalDate.of(2026, 11, 23), "AS9198", 1, 1, new TreeSet<>(List.of("dns.bogon")))), days);
    }
  }

  @Test
  void followsOneDomainOverTime() throws IOException {
    try (CollectorStore store = create()) {
      store.store(List.of(
          row(measurement("1", "2026-11-22 10:00:00", "AS9198", "https://holanews.kz/a", "blocked"), "k"),
          row(measurement("2", "2026-11-22 11:00:00", "AS9198", "http://HolaNews.kz:8080/", "blocked"), "k"),
          row(measurement("3", "2026-11-23 11:00:00", "AS9198", "https://holanews.kz/", "accessible"), "k"),
          row(measurement("4", "2026-11-23 11:00:00", "AS9198", "https://other.kz/", "blocked"), "k")));
      assertEquals(List.of(new DomainDay(LocalDate.of(2026, 11, 22), "blocked", 2),
              new DomainDay(LocalDate.of(2026, 11, 23), "accessible", 1)),
          store.domainHistory("holanews.kz", LocalDateTime.of(2026, 11, 1, 0, 0), LocalDateTime.of(2026, 12, 1, 0, 0)));
    }
  }
}
