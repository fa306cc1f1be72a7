package org.kuzet.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A typed, lenient view of the control in OONI's test-helper response shape:
 * {@code {dns:{failure, addrs}, tcp_connect:{"ip:port":{status, failure}}, tls_handshake:{"ip:port":{server_name,
 * status, failure, x_leaf_spki_sha256?, x_leaf_issuer?, x_chain_valid?}}, http_request:{body_length, failure,
 * title, headers, status_code, x_body_sha256?}, ip_info:{"ip":{asn, flags}}}}. Missing parts read as absent; the
 * {@code x_} fields are optional because OONI's public helpers do not send them.
 */
record Control(Dns dns, Map<String, Endpoint> tcp, Map<String, Tls> tls, Http http, Map<String, Long> asns) {

  record Dns(String failure, Set<String> addrs) {}

  record Endpoint(boolean status, String failure) {}

  record Tls(String serverName, boolean status, String failure, String leafSpkiSha256, String leafIssuer) {}

  /** The control's final response; {@code statusCode} and {@code bodyLength} are -1 after a failure. */
  record Http(String failure, long bodyLength, int statusCode, String title, Map<String, String> headers) {}

  static Control parse(JsonNode c) {
    Dns dns = null;
    JsonNode d = c.path("dns");
    if (d.isObject()) {
      Set<String> addrs = new LinkedHashSet<>();
      d.path("addrs").forEach(a -> addrs.add(normalizeIp(a.asText())));
      dns = new Dns(text(d.get("failure")), addrs);
    }
    Map<String, Endpoint> tcp = new LinkedHashMap<>();
    c.path("tcp_connect").properties().forEach(e -> tcp.put(e.getKey(),
        new Endpoint(e.getValue().path("status").asBoolean(false), text(e.getValue().get("failure")))));
    Map<String, Tls> tls = new LinkedHashMap<>();
    c.path("tls_handshake").properties().forEach(e -> {
      JsonNode t = e.getValue();
      String failure = text(t.get("failure"));
      boolean status = t.has("status") ? t.path("status").asBoolean(false) : failure == null;
      tls.put(e.getKey(), new Tls(text(t.get("server_name")), status, failure, text(t.get("x_leaf_spki_sha256")),
          text(t.get("x_leaf_issuer"))));
    });
    Http http = null;
    JsonNode h = c.path("http_request");
    if (h.isObject()) {
      Map<String, String> headers = new LinkedHashMap<>();
      h.path("headers").properties().forEach(e -> headers.put(e.getKey(),
          e.getValue().isArray() ? e.getValue().path(0).asText("") : e.getValue().asText("")));
      http = new Http(text(h.get("failure")), h.path("body_length").asLong(-1), h.path("status_code").asInt(-1),
          h.path("title").asText(""), headers);
    }
    Map<String, Long> asns = new LinkedHashMap<>();
    c.path("ip_info").properties().forEach(e -> asns.put(normalizeIp(e.getKey()), e.getValue().path("asn").asLong(0)));
    return new Control(dns, tcp, tls, http, asns);
  }

  /** The ASN the control reported for this address, or 0 when unknown. */
  long asn(String ip) {
    return asns.getOrDefault(normalizeIp(ip), 0L);
  }

  boolean httpSucceeded() {
    return http != null && http.failure() == null && http.statusCode() > 0;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  static String normalizeIp(String ip) {
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    return s.toLowerCase(java.util.Locale.ROOT);
  }
}
