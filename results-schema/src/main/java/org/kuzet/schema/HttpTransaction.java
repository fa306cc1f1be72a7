package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP round trip, one redirect hop (OONI df-001 httpt request entry).
 *
 * @param xAddress the endpoint ("ip:port") the request went to, chosen from this hop's own DNS/TCP/TLS steps; on
 *     the wire OONI's {@code address} (lines written before read from {@code x_address}); null when no endpoint
 *     worked and the request was never sent
 * @param xHop 0 for the input URL, 1 for the first redirect …
 * @param network OONI's {@code network}: "tcp" when the request was sent, null when it never was
 * @param alpn OONI's {@code alpn}: the protocol HTTP spoke ("http/1.1", "h2"); "" for cleartext or no response
 * @param transactionId OONI's operation id of the endpoint the request went to: the same as that endpoint's
 *     {@code tcp_connect} (and TLS handshake) entry, so the three join; null when never sent. kuzet's HTTP step opens
 *     its own connection to the endpoint its TCP/TLS steps checked, so the id names the endpoint (OONI LTE's names
 *     the one connection); a later hop to the same endpoint carries the same id
 * @param tags OONI's tags: {@code depth=N} (= xHop), {@code fetch_body=true}, {@code classic} when the endpoint's
 *     address came from the system resolver
 * @param xBodyT0 kuzet only: when the first byte of the body arrived (seconds since the measurement's start, as
 *     {@code t0}); null when no body byte arrived
 * @param xBodyT kuzet only: when the last byte of the body arrived; with {@code xBodyT0} and the response's
 *     {@code x_body_length} it gives the download rate ({@link #bodyRate()}) that throttling is judged on
 */
public record HttpTransaction(
    Request request,
    Response response,
    String failure,
    double t0,
    double t,
    @JsonProperty("address") @JsonAlias("x_address") @JsonInclude(JsonInclude.Include.NON_NULL) String xAddress,
    int xHop,
    @JsonInclude(JsonInclude.Include.NON_NULL) String network,
    @JsonInclude(JsonInclude.Include.NON_NULL) String alpn,
    Integer transactionId,
    List<String> tags,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double xBodyT0,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double xBodyT) {

  public record Request(String method, String url, Map<String, String> headers, String body, String xTransport) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      body = body == null ? "" : body;
    }
  }

  /**
   * @param headers first value of each header (OONI's map form); {@code headersList} keeps every value in order
   * @param bodyIsTruncated the body was cut at the probe's cap
   * @param xBodyLength bytes of body read (up to the cap)
   * @param xTitle the HTML title, if any
   * @param xBodyBase64 the body's bytes as received (base64), kept when {@code body} (the text decoded by the
   *     Content-Type charset) does not encode back to them in UTF-8: a windows-1251 page, bytes that are not text.
   *     The OONI export writes them as {@code {"format":"base64","data":…}} so lengths and hashes match the server's
   */
  public record Response(
      Integer code,
      Map<String, String> headers,
      List<List<String>> headersList,
      String body,
      boolean bodyIsTruncated,
      long xBodyLength,
      @JsonInclude(JsonInclude.Include.NON_NULL) String xTitle,
      @JsonInclude(JsonInclude.Include.NON_NULL) String xBodyBase64) {
    public Response {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      headersList = headersList == null ? List.of() : headersList.stream().map(List::copyOf).toList();
    }

    /** A response whose body text is exactly its bytes in UTF-8 (no raw copy needed). */
    public Response(Integer code, Map<String, String> headers, List<List<String>> headersList, String body,
        boolean bodyIsTruncated, long xBodyLength, String xTitle) {
      this(code, headers, headersList, body, bodyIsTruncated, xBodyLength, xTitle, null);
    }

    public static Response none() {
      return new Response(null, Map.of(), List.of(), null, false, 0, null, null);
    }
  }

  public HttpTransaction {
    Objects.requireNonNull(request, "request");
    response = response == null ? Response.none() : response;
    Failures.requireValid(failure, "HTTP request to " + request.url());
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A request without body timings (lines written before kuzet recorded them). */
  public HttpTransaction(Request request, Response response, String failure, double t0, double t, String xAddress,
      int xHop, String network, String alpn, Integer transactionId, List<String> tags) {
    this(request, response, failure, t0, t, xAddress, xHop, network, alpn, transactionId, tags, null, null);
  }

  /** A request not yet numbered: OONI's network, alpn, operation id and tags unset. */
  public HttpTransaction(Request request, Response response, String failure, double t0, double t, String xAddress,
      int xHop) {
    this(request, response, failure, t0, t, xAddress, xHop, null, null, null, List.of());
  }

  /** This request with the operation id of its endpoint and its tags. */
  public HttpTransaction numbered(Integer id, List<String> tags) {
    return new HttpTransaction(request, response, failure, t0, t, xAddress, xHop, network, alpn, id, tags, xBodyT0,
        xBodyT);
  }

  /** This request with the times of the first and last body byte. */
  public HttpTransaction withBodyTimes(Double first, Double last) {
    return new HttpTransaction(request, response, failure, t0, t, xAddress, xHop, network, alpn, transactionId, tags,
        first, last);
  }

  /**
   * Seconds from the first to the last body byte; null when no body byte arrived. A body that came in one read
   * takes 0 s.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public Double bodySeconds() {
    return xBodyT0 == null || xBodyT == null ? null : Math.max(0, xBodyT - xBodyT0);
  }
}
