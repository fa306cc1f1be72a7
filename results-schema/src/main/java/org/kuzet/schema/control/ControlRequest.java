package org.kuzet.schema.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the probe sends to a web connectivity test helper, in OONI's wire format (probe-cli
 * {@code model.THRequest}): the URL to fetch, the probe's own request headers, and the endpoints ("ip:port") the
 * probe resolved, so the helper measures those too. Unknown keys (e.g. OONI's {@code x_quic_enabled}) are ignored.
 *
 * @param httpRequest the URL the probe measured; required
 * @param httpRequestHeaders header name to values; OONI's helper uses only User-Agent, Accept and
 *     Accept-Language
 * @param tcpConnect the probe's endpoints, "ip:port", IPv6 in brackets
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControlRequest(
    @JsonProperty("http_request") String httpRequest,
    @JsonProperty("http_request_headers") Map<String, List<String>> httpRequestHeaders,
    @JsonProperty("tcp_connect") List<String> tcpConnect) {

  public ControlRequest {
    if (httpRequest == null || httpRequest.isBlank()) {
      throw new IllegalArgumentException("http_request is missing: the control needs the URL to fetch");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (httpRequestHeaders != null) {
      httpRequestHeaders.forEach((k, v) -> headers.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    httpRequestHeaders = java.util.Collections.unmodifiableMap(headers);
    tcpConnect = tcpConnect == null ? List.of() : List.copyOf(tcpConnect);
  }
}
