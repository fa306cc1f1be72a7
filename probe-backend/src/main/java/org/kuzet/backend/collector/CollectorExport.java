package org.kuzet.backend.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.kuzet.schema.OoniExport;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * What {@code kuzet collector export} writes, one line per stored measurement, oldest first: OONI measurement JSON
 * ({@link Format#OONI}, results-schema's {@link OoniExport}), or rows of ClickHouse's {@code JSONEachRow} for the
 * table {@link #clickhouseDdl()} ({@link Format#CLICKHOUSE}: {@link FastpathRow#columns()}).
 */
public final class CollectorExport {
  public enum Format { OONI, CLICKHOUSE }

  private static final String DDL = "clickhouse/fastpath.sql";

  private CollectorExport() {}

  /** Writes the measurements since {@code since}; answers how many. */
  public static long write(CollectorStore store, LocalDateTime since, Format format, Writer out) throws IOException {
    long[] n = {0};
    store.export(since, m -> {
      out.write(line(m, format));
      out.write('\n');
      n[0]++;
    });
    out.flush();
    return n[0];
  }

  static String line(CollectorStore.Stored m, Format format) {
    return switch (format) {
      case OONI -> OoniExport.line(m.measurementJson());
      case CLICKHOUSE -> {
        try {
          JsonNode tree = UploadProtocol.mapper().readTree(m.measurementJson());
          yield UploadProtocol.mapper().writeValueAsString(FastpathRow.of(tree, m.keyId(), m.receivedAt())
              .columns());
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("stored measurement " + m.uid() + " is not JSON", e);
        }
      }
    };
  }

  /** The ClickHouse table the {@link Format#CLICKHOUSE} rows load into (CREATE TABLE … fastpath). */
  public static String clickhouseDdl() {
    try (InputStream in = CollectorExport.class.getResourceAsStream(DDL)) {
      if (in == null) {
        throw new IllegalStateException(DDL + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
