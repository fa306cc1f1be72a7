package org.kuzet.schema.control;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A web connectivity test helper's answer, in OONI's wire format (probe-cli {@code model.THResponse}, as filled by
 * {@code internal/oohelperd}), plus kuzet's {@code x_} extras, which OONI's helpers do not send and readers must
 * treat as optional. Unknown keys (OONI's {@code quic_handshake}, {@code http3_request}) are ignored.
 *
 * <p>The failure strings are the <em>legacy test helper's</em>, not df-007, because that is what OONI's public
 * helpers send and what analysis must understand: see {@link DnsResult}, {@link TcpConnectResult},
 * {@link HttpRequestResult}. kuzet's helper adds the df-007 string as {@code x_failure} where OONI collapses it.
 *
 * <p>This is the one model of the helper's answer: the helper writes it, the probe's control client checks an answer
 * with it, measurements store it as {@code test_keys.control} and the analysis reads it. Reading is lenient, as the
 * analysis needs it for OONI's own measurements: a missing {@code dns} or {@code http_request} is null (and stays
 * out of the line), a missing {@code body_length}/{@code status_code} is -1, a missing TLS {@code status} follows
 * {@code failure}, a header sent as a list of values reads as its first value.
 *
 * @param tcpConnect per "ip:port" endpoint; the helper skips bogon addresses (see {@link IpInfo#FLAG_BOGON})
 * @param tlsHandshake per "ip:port" endpoint, only where the helper attempted TLS
 * @param ipInfo per IP, resolved by the probe and/or the helper
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControlResponse(
    @JsonProperty("tcp_connect") Map<String, TcpConnectResult> tcpConnect,
    @JsonProperty("tls_handshake") Map<String, TlsHandshakeResult> tlsHandshake,
    @JsonProperty("http_request") @JsonInclude(JsonInclude.Include.NON_NULL) HttpRequestResult httpRequest,
    @JsonProperty("dns") @JsonInclude(JsonInclude.Include.NON_NULL) DnsResult dns,
    @JsonProperty("ip_info") Map<String, IpInfo> ipInfo) {

  /** dns.failure for NXDOMAIN (OONI {@code model.THDNSNameError}). */
  public static final String DNS_NAME_ERROR = "dns_name_error";
  /** dns.failure for SERVFAIL, REFUSED and other server errors. */
  public static final String DNS_SERVER_FAILURE = "dns_server_failure";
  /** dns.failure for anything else (e.g. a timeout); also http_request.failure for unmapped errors. */
  public static final String UNKNOWN_ERROR = "unknown_error";
  /** tcp_connect.failure and http_request.failure for a refused connection. */
  public static final String CONNECTION_REFUSED_ERROR = "connection_refused_error";
  /** tcp_connect.failure for any connect error other than refused and timeout. */
  public static final String CONNECT_ERROR = "connect_error";
  /** tcp_connect.failure and http_request.failure for a timeout (same as df-007). */
  public static final String GENERIC_TIMEOUT_ERROR = "generic_timeout_error";
  /** http_request.failure when the name did not resolve. */
  public static final String DNS_LOOKUP_ERROR = "dns_lookup_error";
  /**
   * http_request.failure when kuzet's helper refused to fetch because the URL (or a redirect) leads to a
   * loopback, private or otherwise bogon address; netxlite's name for the same condition.
   */
  public static final String BOGON_REFUSED = "dns_bogon_error";

  public ControlResponse {
    tcpConnect = sorted(tcpConnect);
    tlsHandshake = sorted(tlsHandshake);
    ipInfo = sorted(ipInfo);
  }

  /** The helper's fetch succeeded: no failure and a status code. */
  public boolean httpSucceeded() {
    return httpRequest != null && httpRequest.succeeded();
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return m == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(m));
  }

  /**
   * The helper's own DNS lookup of the URL's host. OONI's helper maps failures to {@code dns_name_error}
   * (NXDOMAIN), {@code dns_server_failure}, {@code unknown_error}, and reports "no answer" as success with no
   * addresses. For an IP-literal URL no lookup is done: failure null, addrs empty.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DnsResult(
      @JsonProperty("failure") String failure,
      @JsonProperty("addrs") List<String> addrs) {
    public DnsResult {
      addrs = addrs == null ? List.of() : List.copyOf(addrs);
    }

    /** The helper found no address: a failure, or an empty answer. */
    public boolean failed() {
      return failure != null || addrs.isEmpty();
    }

    /** The helper's resolver says the name does not exist (its legacy string, or df-007's). */
    public boolean nxdomain() {
      return DNS_NAME_ERROR.equals(failure) || "dns_nxdomain_error".equals(failure);
    }
  }

  /**
   * @param failure {@code connection_refused_error}, {@code generic_timeout_error}, {@code connect_error}, or null
   * @param xFailure kuzet only: the df-007 failure behind {@code failure}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TcpConnectResult(
      @JsonProperty("status") boolean status,
      @JsonProperty("failure") String failure,
      @JsonProperty("x_failure") @JsonInclude(JsonInclude.Include.NON_NULL) String xFailure) {}

  /**
   * One TLS handshake with SNI = the URL's host. {@code failure} is df-007 (as OONI's helper sends it); like
   * OONI's, kuzet's helper validates the chain and host name, so an untrusted chain is {@code status: false}.
   *
   * @param xLeafSpkiSha256 kuzet only: lowercase hex SHA-256 of the leaf's SubjectPublicKeyInfo (DER)
   * @param xLeafIssuer kuzet only: the leaf's issuer DN, RFC 2253
   * @param xChainValid kuzet only: whether the chain the helper saw validates against kuzet's bundled roots for
   *     this host; null when the handshake did not get as far as a certificate
   * @param xHandshakeSeconds kuzet only: how long the helper's handshake took (seconds), the control's side of
   *     throttling by time; null from OONI's helpers
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TlsHandshakeResult(
      @JsonProperty("server_name") String serverName,
      @JsonProperty("status") boolean status,
      @JsonProperty("failure") String failure,
      @JsonProperty("x_leaf_spki_sha256") @JsonInclude(JsonInclude.Include.NON_NULL) String xLeafSpkiSha256,
      @JsonProperty("x_leaf_issuer") @JsonInclude(JsonInclude.Include.NON_NULL) String xLeafIssuer,
      @JsonProperty("x_chain_valid") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean xChainValid,
      @JsonProperty("x_handshake_seconds") @JsonInclude(JsonInclude.Include.NON_NULL) Double xHandshakeSeconds) {

    /** A result without the handshake's duration. */
    public TlsHandshakeResult(String serverName, boolean status, String failure, String xLeafSpkiSha256,
        String xLeafIssuer, Boolean xChainValid) {
      this(serverName, status, failure, xLeafSpkiSha256, xLeafIssuer, xChainValid, null);
    }

    /** Lenient reading: a missing {@code status} is success exactly when there is no failure. */
    @JsonCreator
    static TlsHandshakeResult read(@JsonProperty("server_name") String serverName,
        @JsonProperty("status") Boolean status, @JsonProperty("failure") String failure,
        @JsonProperty("x_leaf_spki_sha256") String xLeafSpkiSha256, @JsonProperty("x_leaf_issuer") String xLeafIssuer,
        @JsonProperty("x_chain_valid") Boolean xChainValid,
        @JsonProperty("x_handshake_seconds") Double xHandshakeSeconds) {
      return new TlsHandshakeResult(serverName, status != null ? status : failure == null, failure, xLeafSpkiSha256,
          xLeafIssuer, xChainValid, xHandshakeSeconds);
    }

    /** The helper's view of the certificate: {@code x_chain_valid} when sent, else the handshake's status. */
    public boolean valid() {
      return xChainValid != null ? xChainValid : status;
    }
  }

  /**
   * The helper's GET of the URL, redirects followed, about the final response. On failure OONI's helper sends
   * {@code body_length: -1}, {@code status_code: -1}, empty title and headers, and a legacy failure string
   * ({@code dns_lookup_error}, {@code generic_timeout_error}, {@code connection_refused_error},
   * {@code unknown_error}; kuzet's helper also {@link #BOGON_REFUSED}).
   *
   * @param headers first value of each response header, names in canonical form ("Content-Type")
   * @param xBodySha256 kuzet only: lowercase hex SHA-256 of the body bytes read (up to the helper's cap)
   * @param xFailure kuzet only: the df-007 failure behind {@code failure}
   * @param xBodySeconds kuzet only: seconds from the first to the last body byte of the final response (with
   *     {@code body_length}, the control's download rate); null when no body byte arrived, and from OONI's helpers
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HttpRequestResult(
      @JsonProperty("body_length") long bodyLength,
      @JsonProperty("failure") String failure,
      @JsonProperty("title") String title,
      @JsonProperty("headers") Map<String, String> headers,
      @JsonProperty("status_code") long statusCode,
      @JsonProperty("x_body_sha256") @JsonInclude(JsonInclude.Include.NON_NULL) String xBodySha256,
      @JsonProperty("x_failure") @JsonInclude(JsonInclude.Include.NON_NULL) String xFailure,
      @JsonProperty("x_body_seconds") @JsonInclude(JsonInclude.Include.NON_NULL) Double xBodySeconds) {

    /** A result without the body's transfer time. */
    public HttpRequestResult(long bodyLength, String failure, String title, Map<String, String> headers,
        long statusCode, String xBodySha256, String xFailure) {
      this(bodyLength, failure, title, headers, statusCode, xBodySha256, xFailure, null);
    }

    public HttpRequestResult {
      title = title == null ? "" : title;
      headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
    }

    /** Lenient reading: missing numbers are -1 (OONI's "none"), a header's list of values is its first value. */
    @JsonCreator
    static HttpRequestResult read(@JsonProperty("body_length") Long bodyLength,
        @JsonProperty("failure") String failure, @JsonProperty("title") String title,
        @JsonProperty("headers") Map<String, JsonNode> headers, @JsonProperty("status_code") Long statusCode,
        @JsonProperty("x_body_sha256") String xBodySha256, @JsonProperty("x_failure") String xFailure,
        @JsonProperty("x_body_seconds") Double xBodySeconds) {
      Map<String, String> first = new TreeMap<>();
      if (headers != null) {
        headers.forEach((k, v) -> first.put(k, v == null || v.isNull() ? ""
            : v.isArray() ? v.path(0).asText("") : v.asText("")));
      }
      return new HttpRequestResult(bodyLength == null ? -1 : bodyLength, failure, title, first,
          statusCode == null ? -1 : statusCode, xBodySha256, xFailure, xBodySeconds);
    }

    /** The fetch succeeded: no failure and a status code. */
    public boolean succeeded() {
      return failure == null && statusCode > 0;
    }

    /** What OONI's helper sends when the fetch failed. */
    public static HttpRequestResult failed(String failure, String xFailure) {
      return new HttpRequestResult(-1, failure, "", Map.of(), -1, null, xFailure);
    }
  }

  /**
   * What the helper knows about one IP: its AS number (0 when unknown; kuzet's helper takes it from the IP table
   * shipped with probe-core) and a bit set of {@code FLAG_*}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IpInfo(
      @JsonProperty("asn") long asn,
      @JsonProperty("flags") long flags) {
    /** The probe resolved this address (it was in the request's tcp_connect). */
    public static final long FLAG_RESOLVED_BY_PROBE = 1;
    /** The helper's own DNS lookup returned this address. */
    public static final long FLAG_RESOLVED_BY_TH = 2;
    /** A bogon (loopback, private, reserved): the helper does not connect to it. */
    public static final long FLAG_BOGON = 4;
    /** A TLS handshake for the URL's host succeeded on this address, so it is valid for the domain. */
    public static final long FLAG_VALID_FOR_DOMAIN = 8;

    public boolean has(long flag) {
      return (flags & flag) != 0;
    }
  }
}
