package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP round trip, one redirect hop (OONI df-001 httpt request entry).
 *
 * @param xAddress the endpoint ("ip:port") the request went to, chosen from this hop's own DNS/TCP/TLS steps
 * @param xHop 0 for the input URL, 1 for the first redirect …
 */
public record HttpTransaction(
    Request request,
    Response response,
    String failure,
    double t0,
    double t,
    @JsonInclude(JsonInclude.Include.NON_NULL) String xAddress,
    int xHop) {

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
   */
  public record Response(
      Integer code,
      Map<String, String> headers,
      List<List<String>> headersList,
      String body,
      boolean bodyIsTruncated,
      long xBodyLength,
      @JsonInclude(JsonInclude.Include.NON_NULL) String xTitle) {
    public Response {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      headersList = headersList == null ? List.of() : headersList.stream().map(List::copyOf).toList();
    }

    public static Response none() {
      return new Response(null, Map.of(), List.of(), null, false, 0, null);
    }
  }

  public HttpTransaction {
    Objects.requireNonNull(request, "request");
    response = response == null ? Response.none() : response;
    Failures.requireValid(failure, "HTTP request to " + request.url());
  }
}
