package org.kuzet.schema.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.MeasurementSignature;

class UploadProtocolTest {

  @Test
  void batchIsMeasurementsOfMeasurementAndSignature() throws Exception {
    JsonNode m = UploadProtocol.mapper().readTree("{\"measurement_uid\":\"u1\",\"input\":\"https://a.kz/\"}");
    UploadBatch batch = new UploadBatch(List.of(
        new UploadItem(m, new MeasurementSignature("Ed25519", "cHVi", "ed25519:ab", "c2ln"))));

    JsonNode json = UploadProtocol.mapper().readTree(UploadProtocol.encode(batch));

    assertEquals("u1", json.at("/measurements/0/measurement/measurement_uid").asText());
    assertEquals("Ed25519", json.at("/measurements/0/signature/alg").asText());
    assertEquals("cHVi", json.at("/measurements/0/signature/public_key").asText());
    assertEquals("ed25519:ab", json.at("/measurements/0/signature/key_id").asText());
    assertEquals("c2ln", json.at("/measurements/0/signature/value").asText());
  }

  @Test
  void responseRoundTripsWithLowercaseStatusesAndNoNullReasons() {
    UploadResponse r = new UploadResponse(List.of(ItemResult.accepted("a"), ItemResult.duplicate("b"),
        ItemResult.rejected("c", "bad signature")));

    String json = new String(UploadProtocol.encode(r), StandardCharsets.UTF_8);

    assertEquals("{\"results\":[{\"uid\":\"a\",\"status\":\"accepted\"},{\"uid\":\"b\",\"status\":\"duplicate\"},"
        + "{\"uid\":\"c\",\"status\":\"rejected\",\"reason\":\"bad signature\"}]}", json);
    assertEquals(r, UploadProtocol.parseResponse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void newerCollectorFieldsAreIgnored() {
    UploadResponse r = UploadProtocol.parseResponse(
        "{\"results\":[{\"uid\":\"a\",\"status\":\"accepted\",\"x_stored_at\":1}],\"x_more\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(ItemResult.accepted("a")), r.results());
  }

  @Test
  void badAnswersAreClearErrors() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
        UploadProtocol.parseResponse("{\"results\":[{\"uid\":\"a\",\"status\":\"kept\"}]}".getBytes()));
    assertTrue(unknown.getMessage().contains("kept"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UploadProtocol.parseResponse("{}".getBytes()));
    assertThrows(IllegalArgumentException.class, () -> UploadProtocol.parseResponse("<html>".getBytes()));
    assertThrows(IllegalArgumentException.class, () -> UploadProtocol.parseResponse(
        "{\"results\":[{\"uid\":\"a\",\"status\":\"rejected\"}]}".getBytes()));
  }

  @Test
  void duplicateMemberNamesAreRefused() {
    assertThrows(Exception.class, () -> UploadProtocol.mapper().readTree("{\"a\":1,\"a\":2}"));
  }

  @Test
  void errorBodies() {
    assertEquals("malformed JSON", UploadProtocol.errorOf(UploadProtocol.encode(new ErrorResponse("malformed JSON"))));
    assertNull(UploadProtocol.errorOf("Service Unavailable".getBytes()));
    assertFalse(new String(UploadProtocol.encode(new ErrorResponse("x")), StandardCharsets.UTF_8).contains("null"));
  }
}
