package org.kuzet.backend.collector;

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

/** Signed upload items for collector tests; the measurements come from kuzet-testing's TestMeasurements. */
public final class TestMeasurements {
  public static final ProbeKey KEY = ProbeKey.generate(new SecureRandom());

  private TestMeasurements() {}

  /** A small blocked measurement in the export format, valid against its schema (the collector checks it). */
  public static ObjectNode measurement(String uid) {
    try {
      return (ObjectNode) UploadProtocol.mapper().readTree(org.kuzet.core.testing.TestMeasurements.exportJson(uid,
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
