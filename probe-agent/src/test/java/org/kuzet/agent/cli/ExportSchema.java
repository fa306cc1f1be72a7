package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import org.kuzet.schema.MeasurementJson;

/** results-schema's JSON Schema of the export line, checked with an independent draft 2020-12 validator. */
final class ExportSchema {
  private static final JsonSchema SCHEMA = load();

  private ExportSchema() {}

  private static JsonSchema load() {
    try (InputStream in = MeasurementJson.class.getResourceAsStream("measurement.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<ValidationMessage> errors(String line) {
    try {
      return SCHEMA.validate(MeasurementJson.mapper().readTree(line));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void assertValid(String line) {
    assertEquals(Set.of(), errors(line), line);
  }
}
