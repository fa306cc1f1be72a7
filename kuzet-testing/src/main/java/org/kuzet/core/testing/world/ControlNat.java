package org.kuzet.core.testing.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.MeasurementJson;

/**
 * The helper's uncensored path to a censored site, simulated in front of the world's control (the
 * real {@code TestHelperServer} in kuzet's tests).
 *
 * <p>Why: every socket in the test JVM comes from 127.0.0.1, so a middlebox on a site's address cannot drop the
 * probe's SYNs and let the helper's through, as a censor at the border does. Instead a censored site runs at an
 * <em>outside</em> address (where the helper's truthful resolver points) and the probe's resolver gives an
 * <em>inside</em> address with the same port, where the scenario puts its middlebox (or nothing). This proxy is
 * the helper's NAT: it forwards the probe's control request with inside endpoints rewritten to outside ones, and
 * rewrites outside addresses back to inside ones in the answer ({@code dns.addrs} and the keys of
 * {@code tcp_connect}, {@code tls_handshake} and {@code ip_info}). To the probe, the helper saw the same address
 * answer with the real site, exactly what a helper outside the censored network sees. Addresses without a mapping
 * (a lying resolver's blockpage server, a ghost address) pass unchanged: the helper meets the same thing there as
 * the probe.
 */
public final class ControlNat implements AutoCloseable {
  private final Map<String, String> outsideOf = new ConcurrentHashMap<>();
  private final Map<String, String> insideOf = new ConcurrentHashMap<>();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI helper;
  private final HttpServer server;

  public ControlNat(String helperUrl) {
    this.helper = URI.create(helperUrl);
    try {
      server = HttpServer.create(new InetSocketAddress(LoopbackAddresses.next(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the control NAT", e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** The helper reaches {@code inside} at {@code outside}. */
  public void map(InetAddress inside, InetAddress outside) {
    outsideOf.put(inside.getHostAddress(), outside.getHostAddress());
    insideOf.put(outside.getHostAddress(), inside.getHostAddress());
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      byte[] forwarded = body;
      JsonNode request = parse(body);
      if (request != null && request.path("tcp_connect").isArray()) {
        ArrayNode endpoints = (ArrayNode) request.get("tcp_connect");
        for (int i = 0; i < endpoints.size(); i++) {
          endpoints.set(i, text(endpoint(endpoints.get(i).asText(), outsideOf::get)));
        }
        forwarded = MeasurementJson.mapper().writeValueAsBytes(request);
      }
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(HttpRequest.newBuilder(helper)
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(forwarded)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      byte[] out = answer.body();
      JsonNode response = answer.statusCode() == 200 ? parse(out) : null;
      if (response instanceof ObjectNode o) {
        rewriteBack(o);
        out = MeasurementJson.mapper().writeValueAsBytes(o);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  private void rewriteBack(ObjectNode response) {
    JsonNode addrs = response.path("dns").path("addrs");
    if (addrs.isArray()) {
      ArrayNode a = (ArrayNode) addrs;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, text(ip(a.get(i).asText(), insideOf::get)));
      }
    }
    renameKeys(response.get("tcp_connect"), k -> endpoint(k, insideOf::get));
    renameKeys(response.get("tls_handshake"), k -> endpoint(k, insideOf::get));
    renameKeys(response.get("ip_info"), k -> ip(k, insideOf::get));
  }

  private static void renameKeys(JsonNode node, UnaryOperator<String> rename) {
    if (!(node instanceof ObjectNode o)) {
      return;
    }
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(o.properties());
    o.removeAll();
    entries.forEach(e -> o.set(rename.apply(e.getKey()), e.getValue()));
  }

  private static String endpoint(String endpoint, UnaryOperator<String> map) {
    int colon = endpoint.lastIndexOf(':');
    return colon <= 0 ? endpoint : ip(endpoint.substring(0, colon), map) + endpoint.substring(colon);
  }

  private static String ip(String ip, UnaryOperator<String> map) {
    String mapped = map.apply(ip);
    return mapped == null ? ip : mapped;
  }

  private static JsonNode text(String s) {
    return MeasurementJson.mapper().getNodeFactory().textNode(s);
  }

  private static JsonNode parse(byte[] body) {
    try {
      return MeasurementJson.mapper().readTree(body);
    } catch (IOException e) {
      return null; // not JSON: forwarded as is, the helper answers 400
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
