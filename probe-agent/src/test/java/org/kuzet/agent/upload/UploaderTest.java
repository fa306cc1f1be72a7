package org.kuzet.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.MeasurementSignature;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadProtocol;

class UploaderTest {
  private final ProbeKey key = ProbeKey.generate(new SecureRandom());
  private final TickingClock clock = TickingClock.at(Instant.parse("2026-11-23T09:00:00Z"));
  private final List<HttpServer> servers = new ArrayList<>();

  /** What a fake collector saw of one request. */
  private record Seen(Map<String, List<String>> headers, byte[] body) {}

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** A fake collector on loopback that records requests and answers with {@code answer(requestBodyJson)}. */
  private URI fake(List<Seen> seen, int status, Function<JsonNode, String> answer) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext("/", ex -> {
      byte[] raw = ex.getRequestBody().readAllBytes();
      seen.add(new Seen(Map.copyOf(ex.getRequestHeaders()), raw));
      JsonNode batch;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        batch = UploadProtocol.mapper().readTree(in);
      }
      byte[] out = answer.apply(batch).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Location", "http://127.0.0.1:9/elsewhere");
      ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    s.start();
    servers.add(s);
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + UploadProtocol.PATH);
  }

  private static String acceptAll(JsonNode batch) {
    StringBuilder sb = new StringBuilder("{\"results\":[");
    for (JsonNode item : batch.get("measurements")) {
      sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ",").append("{\"uid\":\"")
          .append(item.at("/measurement/measurement_uid").asText()).append("\",\"status\":\"accepted\"}");
    }
    return sb.append("]}").toString();
  }

  private Uploader.Builder uploader(URI uri) {
    return Uploader.builder(uri, key).clock(clock);
  }

  @Test
  void sendsTheSignedMeasurementsAndNothingElse() throws Exception {
    List<Seen> seen = new ArrayList<>();
    MemoryUploadQueue queue = new MemoryUploadQueue();
    String json = TestMeasurements.exportJson("u1", "https://holanews.kz/", Verdict.ACCESSIBLE);
    queue.add("u1", json);

    Uploader.Result r = uploader(fake(seen, 200, UploaderTest::acceptAll)).build().drain(queue);

    assertEquals(new Uploader.Result(1, 0, 0, 0, 0), r);
    Seen request = seen.get(0);
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(request.headers().keySet());
    Set<String> allowed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    // Transfer-Encoding: the body is streamed as it is read from the queue (chunked), so memory stays bounded.
    allowed.addAll(List.of("Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Content-Encoding",
        "User-Agent", "Connection", "Accept-Encoding"));
    assertTrue(allowed.containsAll(names), "unexpected headers: " + names);
    assertEquals(List.of("kuzet"), request.headers().get("User-agent"));
    assertEquals(List.of("gzip"), request.headers().get("Content-encoding"));

    JsonNode batch;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(request.body()))) {
      batch = UploadProtocol.mapper().readTree(in);
    }
    assertEquals(Set.of("measurements"), fieldNames(batch));
    JsonNode item = batch.get("measurements").get(0);
    assertEquals(Set.of("measurement", "signature"), fieldNames(item));
    assertEquals(UploadProtocol.mapper().readTree(json), item.get("measurement"), "the measurement as stored");
    MeasurementSignature sig = UploadProtocol.mapper().treeToValue(item.get("signature"),
        MeasurementSignature.class);
    assertEquals(key.keyId(), sig.keyId());
    assertTrue(ProbeKey.verify(item.get("measurement"), sig));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void batchesAreOfTheConfiguredSize() throws Exception {
    List<Seen> seen = new ArrayList<>();
    MemoryUploadQueue queue = new MemoryUploadQueue();
    for (int i = 0; i < 7; i++) {
      queue.add("u" + i, TestMeasurements.exportJson("u" + i, "https://a.kz/", Verdict.ACCESSIBLE));
    }
    AtomicInteger items = new AtomicInteger();
    Uploader.Result r = uploader(fake(seen, 200, b -> {
      items.addAndGet(b.get("measurements").size());
      return acceptAll(b);
    })).batchSize(3).build().drain(queue);

    assertEquals(new Uploader.Result(7, 0, 0, 0, 0), r);
    assertEquals(3, seen.size());
    assertEquals(7, items.get());
  }

  @Test
  void aRedirectIsNotFollowedAndTheBatchWaits() throws Exception {
    List<Seen> seen = new ArrayList<>();
    MemoryUploadQueue queue = new MemoryUploadQueue();
    queue.add("u1", TestMeasurements.exportJson("u1", "https://a.kz/", Verdict.ACCESSIBLE));

    Uploader.Result r = uploader(fake(seen, 301, b -> "")).build().drain(queue);

    assertEquals(new Uploader.Result(0, 0, 0, 1, 1), r);
    assertTrue(queue.reason("u1").contains("301 redirecting to http://127.0.0.1:9/elsewhere"), queue.reason("u1"));
  }

  @Test
  void anAnswerThatIsNotAnUploadAnswerOrOmitsAnItemIsRetried() throws Exception {
    MemoryUploadQueue queue = new MemoryUploadQueue();
    queue.add("u1", TestMeasurements.exportJson("u1", "https://a.kz/", Verdict.ACCESSIBLE));
    queue.add("u2", TestMeasurements.exportJson("u2", "https://b.kz/", Verdict.ACCESSIBLE));

    Uploader.Result garbage = uploader(fake(new ArrayList<>(), 200, b -> "<html>hotel wifi login</html>")).build()
        .drain(queue);
    assertEquals(new Uploader.Result(0, 0, 0, 2, 2), garbage);
    assertTrue(queue.reason("u1").contains("not an upload answer"), queue.reason("u1"));

    clock.advance(Duration.ofHours(1));
    Uploader.Result partial = uploader(fake(new ArrayList<>(), 200,
        b -> "{\"results\":[{\"uid\":\"u2\",\"status\":\"duplicate\"}]}")).build().drain(queue);
    assertEquals(new Uploader.Result(0, 1, 0, 1, 1), partial);
    assertTrue(queue.reason("u1").contains("did not mention"), queue.reason("u1"));
  }

  @Test
  void measurementsTravelOnlyOverHttpsExceptToThisMachine() {
    Uploader.builder(URI.create("https://collector.example"), key).build();
    Uploader.builder(URI.create("http://127.0.0.1:8080/api/v1/measurements"), key).build();
    Uploader.builder(URI.create("http://[::1]:8080/"), key).build();
    Uploader.builder(URI.create("http://localhost:8080"), key).build();

    assertBadUrl("http://collector.example/api/v1/measurements", "plain http");
    assertBadUrl("http://10.0.0.1/", "plain http");
    assertBadUrl("ftp://collector.example/", "not an https:// URL");
    assertBadUrl("collector.example", "not an https:// URL");
    assertBadUrl("https://user@collector.example/", "user, query or fragment");
    assertBadUrl("https://collector.example/?probe=1", "user, query or fragment");
  }

  private void assertBadUrl(String url, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Uploader.builder(URI.create(url), key));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  @Test
  void aUrlWithoutPathGetsTheProtocolPath() throws Exception {
    List<Seen> seen = new ArrayList<>();
    URI full = fake(seen, 200, UploaderTest::acceptAll);
    MemoryUploadQueue queue = new MemoryUploadQueue();
    queue.add("u1", TestMeasurements.exportJson("u1", "https://a.kz/", Verdict.ACCESSIBLE));

    Uploader.Result r = uploader(URI.create("http://127.0.0.1:" + full.getPort())).build().drain(queue);

    assertEquals(1, r.uploaded());
  }

  @Test
  void backoffIsExponentialWithEqualJitterAndCapped() {
    Duration base = Duration.ofSeconds(30);
    Duration cap = Duration.ofMinutes(10);
    Uploader least = uploader(URI.create("http://127.0.0.1:1")).backoff(base, cap).random(fixed(0.0)).build();
    Uploader most = uploader(URI.create("http://127.0.0.1:1")).backoff(base, cap).random(fixed(0.999999)).build();

    assertEquals(Duration.ofSeconds(15), least.backoff(0));
    assertEquals(Duration.ofSeconds(30), most.backoff(0).plusMillis(1).withNanos(0));
    assertEquals(Duration.ofSeconds(60), least.backoff(2));
    assertEquals(Duration.ofMinutes(5), least.backoff(5), "capped: half of 10 min");
    assertEquals(Duration.ofMinutes(5), least.backoff(100), "no overflow");
    assertEquals(Duration.ofMinutes(5), least.backoff(Integer.MAX_VALUE));
  }

  @Test
  void settingsAreChecked() {
    Uploader.Builder b = Uploader.builder(URI.create("https://c.example"), key);
    assertThrows(IllegalArgumentException.class, () -> b.batchSize(0));
    assertThrows(IllegalArgumentException.class, () -> b.maxBodyBytes(10));
    assertThrows(IllegalArgumentException.class, () -> b.backoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
    IOException missing = assertThrows(IOException.class,
        () -> b.extraRoots(List.of(java.nio.file.Path.of("no-such-root.pem"))));
    assertTrue(missing.getMessage().contains("no-such-root.pem"), missing.getMessage());
  }

  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }
}
