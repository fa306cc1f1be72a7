package org.kuzet.backend.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadBatch;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/** Measurements and signed upload items for collector tests. */
public final class TestMeasurements {
  public static final ProbeKey KEY = ProbeKey.generate(new SecureRandom());

  private TestMeasurements() {}

  /** A small measurement in the export format, valid against its schema (the collector checks it). */
  public static ObjectNode measurement(String uid) {
    try {
      return (ObjectNode) UploadProtocol.mapper().readTree("""
          {"measurement_uid": "%s", "input": "https://holanews.kz/", "probe_cc": "KZ", "probe_asn": "AS9198",
           "measurement_start_time": "2026-11-22 10:10:10", "test_start_time": "2026-11-22 10:10:10",
           "software_name": "kuzet", "software_version": "0.1.0", "data_format_version": "0.2.0",
           "test_name": "web_connectivity", "test_runtime": 1.5,
           "test_keys": {"x_verdict": "blocked", "x_signals": ["dns.bogon", "http.451"], "queries": [],
                         "tls_handshakes": [], "requests": [],
                         "tcp_connect": [{"ip": "93.184.216.34", "port": 443,
                                          "status": {"success": true, "failure": null}, "t0": 0.1, "t": 0.2}]}}
          """.formatted(uid));
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
