package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.MeasurementJson;

/** The OONI export line: what OONI's readers expect where kuzet's own line differs. */
class ExportOoniTest {
  @Test
  void redirectHopsComeMostRecentFirstAndExtensionsGo() throws Exception {
    String stored = """
        {"input":"http://a.kz/","x_verdict":"blocked","test_keys":{"x_signals":["http.451"],"requests":[
          {"request":{"url":"http://a.kz/"},"response":{"code":302},"x_hop":0,"x_address":"93.184.216.34:80"},
          {"request":{"url":"https://a.kz/"},"response":{"code":451},"x_hop":1,"x_address":"93.184.216.34:443"}]}}""";
    JsonNode ooni = MeasurementJson.mapper().readTree(ExportCommand.ooniLine(stored));
    assertEquals(451, ooni.at("/test_keys/requests/0/response/code").asInt(), "requests[0] is the final response");
    assertEquals("http://a.kz/", ooni.at("/test_keys/requests/1/request/url").asText());
    assertFalse(ooni.toString().contains("\"x_"), ooni.toString());
    assertEquals("127.0.0.1", ooni.get("probe_ip").asText());
  }
}
