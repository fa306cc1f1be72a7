package org.kuzet.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadBatch;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * Signed upload items (batches, gzip) for collector tests and the collector bench; the measurements are
 * {@link TestMeasurements}.
 */
public final class TestUploads {
  public static final ProbeKey KEY = ProbeKey.generate(new SecureRandom());

  private TestUploads() {}

  /** A small blocked measurement in the export format, valid against its schema (the collector checks it). */
  public static ObjectNode measurement(String uid) {
    try {
      return (ObjectNode) UploadProtocol.mapper().readTree(TestMeasurements.exportJson(uid,
          "https://holanews.kz/", Verdict.BLOCKED, "dns.bogon", "http.451"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static UploadItem signed(JsonNode measurement) {
    return new UploadItem(measurement, KEY.sign(measurement));
  }

  public static UploadItem signed(String uid) {
    return signed(measurement(uid));
  }

  public static byte[] batch(UploadItem... items) {
    return UploadProtocol.encode(new UploadBatch(List.of(items)));
  }

  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
