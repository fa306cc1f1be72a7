package org.kuzet.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kuzet.core.net.IpLiterals;

/**
 * A typed, lenient view of the control in OONI's test-helper response shape:
 * {@code {dns:{failure, addrs}, tcp_connect:{"ip:port":{status, failure}}, tls_handshake:{"ip:port":{server_name,
 * status, failure, x_leaf_spki_sha256?, x_leaf_issuer?, x_chain_valid?}}, http_request:{body_length, failure,
 * title, headers, status_code, x_body_sha256?}, ip_info:{"ip":{asn, flags}}}}. Missing parts read as absent; the
 * {@code x_} fields are optional because OONI's public helpers do not send them.
 */
record Control(Dns dns, Map<String, Endpoint> tcp, Map<String, Tls> tls, Http http, Map<String, IpInfo> ipInfo) {

  /** oohelperd's ip_info flag: the helper completed a valid TLS handshake for the domain on this address. */
  static final long FLAG_VALID_FOR_DOMAIN = 8;

  /** The helper's NXDOMAIN string (oohelperd keeps the legacy name for old probes). */
  static final String LEGACY_NXDOMAIN = "dns_name_error";

  record Dns(String failure, Set<String> addrs) {
    /** The helper found no address: a failure, or an empty answer. */
    boolean failed() {
      return failure != null || addrs.isEmpty();
    }
  }

  record Endpoint(boolean status, String failure) {}

  /**
   * @param status the helper's handshake, chain validation included, succeeded
   * @param chainValid kuzet's {@code x_chain_valid}: the helper validated the chain; null when not sent
   */
  record Tls(String serverName, boolean status, String failure, String leafSpkiSha256, String leafIssuer,
      Boolean chainValid) {
    /** The helper's view of the certificate: {@code x_chain_valid} when sent, else the handshake's status. */
    boolean valid() {
      return chainValid != null ? chainValid : status;
    }
  }

  /** The control's final response; {@code statusCode} and {@code bodyLength} are -1 after a failure. */
  record Http(String failure, long bodyLength, int statusCode, String title, Map<String, String> headers,
      String bodySha256) {
    boolean succeeded() {
      return failure == null && statusCode > 0;
    }
  }

  record IpInfo(long asn, long flags) {}

  static Control parse(JsonNode c) {
    Dns dns = null;
    JsonNode d = c.path("dns");
    if (d.isObject()) {
      Set<String> addrs = new LinkedHashSet<>();
      d.path("addrs").forEach(a -> addrs.add(normalizeIp(a.asText())));
      dns = new Dns(text(d.get("failure")), addrs);
    }
    Map<String, Endpoint> tcp = new LinkedHashMap<>();
    c.path("tcp_connect").properties().forEach(e -> tcp.put(normalizeEndpoint(e.getKey()),
        new Endpoint(e.getValue().path("status").asBoolean(false), text(e.getValue().get("failure")))));
    Map<String, Tls> tls = new LinkedHashMap<>();
    c.path("tls_handshake").properties().forEach(e -> {
      JsonNode t = e.getValue();
      String failure = text(t.get("failure"));
      boolean status = t.has("status") ? t.path("status").asBoolean(false) : failure == null;
      JsonNode valid = t.get("x_chain_valid");
      tls.put(normalizeEndpoint(e.getKey()), new Tls(text(t.get("server_name")), status, failure,
          lower(text(t.get("x_leaf_spki_sha256"))), text(t.get("x_leaf_issuer")),
          valid == null || !valid.isBoolean() ? null : valid.asBoolean()));
    });
    Http http = null;
    JsonNode h = c.path("http_request");
    if (h.isObject()) {
      Map<String, String> headers = new LinkedHashMap<>();
      h.path("headers").properties().forEach(e -> headers.put(e.getKey(),
          e.getValue().isArray() ? e.getValue().path(0).asText("") : e.getValue().asText("")));
      http = new Http(text(h.get("failure")), h.path("body_length").asLong(-1), h.path("status_code").asInt(-1),
          h.path("title").asText(""), headers, lower(text(h.get("x_body_sha256"))));
    }
    Map<String, IpInfo> ipInfo = new LinkedHashMap<>();
    c.path("ip_info").properties().forEach(e -> ipInfo.put(normalizeIp(e.getKey()),
        new IpInfo(e.getValue().path("asn").asLong(0), e.getValue().path("flags").asLong(0))));
    return new Control(dns, tcp, tls, http, ipInfo);
  }

  /** The ASN the control reported for this address, or 0 when unknown. */
  long asn(String ip) {
    IpInfo info = ipInfo.get(normalizeIp(ip));
    return info == null ? 0 : info.asn();
  }

  /** The helper completed a valid TLS handshake for the measured domain on this address. */
  boolean validForDomain(String ip) {
    IpInfo info = ipInfo.get(normalizeIp(ip));
    return info != null && (info.flags() & FLAG_VALID_FOR_DOMAIN) != 0;
  }

  boolean httpSucceeded() {
    return http != null && http.succeeded();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /** One spelling per address, so "2001:DB8::1", "[2001:db8:0::1]" and the probe's records compare equal. */
  static String normalizeIp(String ip) {
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    return IpLiterals.isLiteral(s) ? IpLiterals.parse(s).getHostAddress() : s.toLowerCase(Locale.ROOT);
  }

  /** "ip:port" in {@link org.kuzet.schema.Endpoints} form with the address normalised. */
  static String normalizeEndpoint(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      return endpoint;
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      return org.kuzet.schema.Endpoints.format(normalizeIp(endpoint.substring(0, colon)), port);
    } catch (NumberFormatException e) {
      return endpoint; // a helper's odd key: compared as sent, so it simply matches nothing
    }
  }
}
