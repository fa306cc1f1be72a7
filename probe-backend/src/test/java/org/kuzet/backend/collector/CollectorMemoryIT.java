package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.signed;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * Issue 15, point 13: a collector with its default limits in a 64 MiB heap (as small as a small VPS gives it)
 * answers gzip bombs and JSON that inflates beyond its cap with 413, and goes on taking normal batches. Before,
 * the 128 MiB gunzip cap was larger than such a heap: out of memory and a dropped connection.
 */
class CollectorMemoryIT {
  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(60)).build();

  @Test
  void gzipBombsAndInflatingJsonAre413InASmallHeapAndNormalBatchesStillGoIn() throws Exception {
    Process collector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        CollectorProcess.class.getName(), dir.resolve("c.db").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(collector.getInputStream(),
          StandardCharsets.UTF_8));
      String[] started = out.readLine().split(" ");
      URI upload = URI.create("http://127.0.0.1:" + started[1] + UploadProtocol.PATH);
      long jsonCap = Long.parseLong(started[3]);
      assertTrue(jsonCap * CollectorServer.HEAP_SHARE * CollectorServer.DEFAULT_MAX_INFLIGHT <= 64L << 20,
          "the JSON cap " + jsonCap + " must fit the heap");

      // About 1 MB of gzip that inflates to about a gigabyte of zeros.
      HttpResponse<String> bomb = post(upload, gzipOf(new byte[1 << 20], 1024));
      assertEquals(413, bomb.statusCode(), bomb.body());
      assertTrue(UploadProtocol.errorOf(bomb.body().getBytes(StandardCharsets.UTF_8)).contains("limit"),
          bomb.body());

      // About 100 KB of valid gzipped JSON: one measurement with a 96 MiB string.
      byte[] json = ("{\"measurements\": [{\"measurement\": {\"x\": \"" + "a".repeat(96 << 20) + "\"}}]}")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] small = gzip(json);
      json = null;
      assertTrue(small.length < 200_000, small.length + " bytes");
      HttpResponse<String> inflating = post(upload, small);
      assertEquals(413, inflating.statusCode(), inflating.body());

      for (int i = 0; i < 3; i++) {
        HttpResponse<String> normal = post(upload, gzip(batch(signed("normal-" + i))));
        assertEquals(200, normal.statusCode(), normal.body());
        assertEquals(ItemStatus.ACCEPTED, UploadProtocol.parseResponse(normal.body().getBytes(StandardCharsets.UTF_8))
            .results().get(0).status());
      }
      assertTrue(collector.isAlive());
    } finally {
      collector.getOutputStream().close();
      if (!collector.waitFor(60, TimeUnit.SECONDS)) {
        collector.destroyForcibly();
      }
    }
  }

  private HttpResponse<String> post(URI upload, byte[] gzipped) throws Exception {
    return http.send(HttpRequest.newBuilder(upload).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code times} copies of {@code block}, gzipped. */
  private static byte[] gzipOf(byte[] block, int times) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < times; i++) {
        gz.write(block);
      }
    }
    return bytes.toByteArray();
  }

}
