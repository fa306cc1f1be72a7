package org.kuzet.schema.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The upload protocol between a probe and a collector (docs/COLLECTOR.md): {@code POST} {@value #PATH} with a
 * gzip JSON {@link UploadBatch}; a 200 answer is an {@link UploadResponse}, any other status carries an
 * {@link ErrorResponse}. This class only encodes and decodes; gzip and HTTP belong to the two ends.
 */
public final class UploadProtocol {
  public static final String PATH = "/api/v1/measurements";
  public static final String CONTENT_TYPE = "application/json";
  /** The request body's {@code Content-Encoding}. A collector also takes an unencoded body. */
  public static final String CONTENT_ENCODING = "gzip";
  /**
   * The largest request body (on the wire, gzip) a collector takes unless its operator says otherwise
   * ({@code --max-body}); a probe sends none larger. Defined here once for both ends.
   */
  public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

  // Duplicate member names are refused: a signed object must have a single meaning, and RFC 8785 has none for
  // duplicates. Unknown members in answers are ignored so a newer collector can add fields.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private UploadProtocol() {}

  /** The protocol's mapper (thread-safe once configured); do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The UTF-8 JSON of a batch, before gzip. */
  public static byte[] encode(UploadBatch batch) {
    return write(batch);
  }

  public static byte[] encode(UploadResponse response) {
    return write(response);
  }

  public static byte[] encode(ErrorResponse error) {
    return write(error);
  }

  /** Parses a collector's 200 answer; a body that is not one is an {@link IllegalArgumentException}. */
  public static UploadResponse parseResponse(byte[] body) {
    return read(body, UploadResponse.class, "an upload answer");
  }

  /** The {@code error} of a non-200 answer, or null when the body is not an {@link ErrorResponse}. */
  public static String errorOf(byte[] body) {
    try {
      ErrorResponse e = MAPPER.readValue(body, ErrorResponse.class);
      return e == null ? null : e.error();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static <T> T read(byte[] body, Class<T> type, String what) {
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw new IllegalArgumentException("not " + what + ": empty body");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail to read
    }
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }
}
