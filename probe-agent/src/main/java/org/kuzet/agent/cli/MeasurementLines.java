package org.kuzet.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.kuzet.schema.MeasurementJson;

/**
 * The input of {@code kuzet analyze}: measurement files as OONI and kuzet write them, split into one JSON text per
 * measurement with the line it starts on. JSON lines; or, when the first line is not JSON on its own, JSON documents
 * one after another (a pretty-printed file), and failing that, lines again (each then reported as it is).
 */
final class MeasurementLines {
  /** Receives the measurements of one input in order. */
  interface Reader {
    void measurement(int lineNo, String text);

    /** The documents stop being JSON at {@code lineNo}; the rest of the input is skipped. */
    void notJson(int lineNo, String problem);
  }

  private MeasurementLines() {}

  /** A file, gunzipped when it starts with gzip's magic bytes. */
  static BufferedReader open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p));
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new GZIPInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  static void read(BufferedReader r, Reader to) throws IOException {
    int lineNo = 0;
    String line;
    boolean first = true;
    while ((line = r.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (first) {
        first = false;
        if (!isJson(line)) {
          StringBuilder rest = new StringBuilder(line).append('\n');
          String more;
          while ((more = r.readLine()) != null) {
            rest.append(more).append('\n');
          }
          if (documents(lineNo, rest.toString(), to)) {
            return;
          }
          int n = lineNo;
          for (String l : rest.toString().split("\n", -1)) {
            if (!l.isBlank()) {
              to.measurement(n, l);
            }
            n++;
          }
          return;
        }
      }
      to.measurement(lineNo, line);
    }
  }

  private static boolean isJson(String line) {
    try {
      MeasurementJson.mapper().readTree(line);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** Reads {@code text} as JSON documents; false (nothing done) when its first document is not JSON. */
  private static boolean documents(int firstLine, String text, Reader to) {
    List<Map.Entry<Integer, String>> values = new ArrayList<>();
    String problem = null;
    int problemLine = 0;
    try (MappingIterator<JsonNode> it = MeasurementJson.mapper().readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        int at = it.getParser().currentTokenLocation().getLineNr();
        values.add(Map.entry(firstLine + at - 1, it.nextValue().toString()));
      }
    } catch (IOException | RuntimeException e) {
      problem = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      problemLine = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
          ? firstLine + jpe.getLocation().getLineNr() - 1 : firstLine;
    }
    if (values.isEmpty()) {
      return false;
    }
    for (Map.Entry<Integer, String> v : values) {
      to.measurement(v.getKey(), v.getValue());
    }
    if (problem != null) {
      to.notJson(problemLine, problem);
    }
    return true;
  }
}
