package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.signed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.LocalPostgres;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/** Uploads over HTTP into a collector on PostgreSQL: what a probe sees is the same as with SQLite. */
class CollectorServerPostgresTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void storesSignedUploadsOnceAndRejectsAChangedResend() throws Exception {
    String url = LocalPostgres.get().newDatabase();
    try (CollectorStore store = CollectorStores.open(url);
         CollectorServer server = CollectorServer.builder(store).start()) {
      UploadItem a = signed("pg-a");
      ObjectNode changed = a.measurement().deepCopy();
      ((ObjectNode) changed.get("test_keys")).put("x_verdict", "accessible");
      List<ItemStatus> first = statuses(server, a, signed("pg-b"));
      List<ItemStatus> again = statuses(server, a, signed(changed), signed("pg-c"));
      assertEquals(List.of(ItemStatus.ACCEPTED, ItemStatus.ACCEPTED), first);
      assertEquals(List.of(ItemStatus.DUPLICATE, ItemStatus.REJECTED, ItemStatus.ACCEPTED), again);
      assertEquals(3, store.count());
      List<CollectorStore.Stored> stored = new ArrayList<>();
      store.export(java.time.LocalDateTime.of(2000, 1, 1, 0, 0), stored::add);
      assertEquals("blocked", UploadProtocol.mapper().readTree(stored.stream().filter(s -> s.uid().equals("pg-a"))
          .findFirst().orElseThrow().measurementJson()).at("/test_keys/x_verdict").asText());
    }
  }

  private List<ItemStatus> statuses(CollectorServer server, UploadItem... items) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uploadUri())
        .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch(items)))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results().stream()
        .map(ItemResult::status).toList();
  }
}
