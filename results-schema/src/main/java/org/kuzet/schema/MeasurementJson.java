package org.kuzet.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The JSON codec of the export line: one measurement, one line, snake_case keys as OONI writes them. */
public final class MeasurementJson {
  private static final DateTimeFormatter OONI_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  // Every generator writes well-formed Unicode (WellFormedText): what is stored is exactly what is later signed.
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .addDecorator((factory, generator) -> WellFormedText.decorate(generator)).build())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  private MeasurementJson() {}

  /** The shared mapper (thread-safe once configured); do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String toLine(Measurement m) {
    try {
      return MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode measurement " + m.measurementUid(), e);
    }
  }

  /** Parses one export line; unknown keys are rejected so a schema drift is seen, not silently dropped. */
  public static Measurement parse(String line) {
    try {
      return MAPPER.readValue(line, Measurement.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a kuzet measurement line: " + e.getOriginalMessage(), e);
    }
  }

  /** OONI's time format, {@code "YYYY-MM-DD hh:mm:ss"} in UTC. */
  public static String ooniTime(Instant instant) {
    return OONI_TIME.format(instant);
  }
}
