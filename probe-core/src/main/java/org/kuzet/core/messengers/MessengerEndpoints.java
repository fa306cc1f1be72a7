package org.kuzet.core.messengers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kuzet.schema.MeasurementJson;

/**
 * The endpoints each messenger really uses, as data: {@code endpoints.json} beside this class, with its source
 * (OONI's test specifications and probe-cli's implementation of them) and date. Per app: hosts or addresses to
 * connect to on given ports (Telegram's data centres also get an HTTP POST), URLs to fetch over HTTPS, names only
 * looked up (Signal's {@code uptime.signal.org}, recorded and not judged, as OONI does), and extra trust roots
 * (Signal's own CAs).
 */
public record MessengerEndpoints(String source, String date, Map<Messenger, App> apps) {

  /**
   * @param service the part of the app it belongs to ({@code endpoints}, {@code registration}, {@code web},
   *     {@code dc}, {@code backend}): OONI's keys are per service
   * @param hosts names (looked up) or IP addresses (used as they are)
   * @param httpMethod the HTTP method each connected endpoint also gets ({@code http://host:port/}, plain HTTP
   *     whatever the port, as OONI sends Telegram's data centres a POST), or null for a TCP connect only
   */
  public record Connect(String service, List<String> hosts, List<Integer> ports, String httpMethod) {
    public Connect {
      hosts = List.copyOf(hosts);
      ports = List.copyOf(ports);
    }
  }

  /** One URL fetched over DNS, TCP, TLS and HTTP. */
  public record Fetch(String service, String url) {}

  /** A name only looked up: recorded, never part of a verdict (OONI's signal test ignores its result too). */
  public record Lookup(String service, String host) {}

  public record App(List<Connect> connect, List<Fetch> fetch, List<Lookup> lookup, List<X509Certificate> extraRoots) {
    public App {
      connect = List.copyOf(connect);
      fetch = List.copyOf(fetch);
      lookup = List.copyOf(lookup);
      extraRoots = List.copyOf(extraRoots);
    }
  }

  public MessengerEndpoints {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(date, "date");
    apps = Map.copyOf(apps);
    for (Messenger m : Messenger.values()) {
      if (!apps.containsKey(m)) {
        throw new IllegalArgumentException("no endpoints for " + m.testName());
      }
    }
  }

  public App app(Messenger m) {
    return apps.get(m);
  }

  private static final MessengerEndpoints BUNDLED = load();

  /** The endpoints shipped in the jar. */
  public static MessengerEndpoints bundled() {
    return BUNDLED;
  }

  private static MessengerEndpoints load() {
    JsonNode root;
    try (InputStream in = MessengerEndpoints.class.getResourceAsStream("endpoints.json")) {
      if (in == null) {
        throw new IllegalStateException("org/kuzet/core/messengers/endpoints.json is missing from the jar");
      }
      root = MeasurementJson.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled messenger endpoints", e);
    }
    Map<Messenger, App> apps = new EnumMap<>(Messenger.class);
    root.path("apps").properties().forEach(e -> {
      Messenger m = Messenger.ofTestName(e.getKey());
      if (m == null) {
        throw new IllegalStateException("endpoints.json: unknown messenger " + e.getKey());
      }
      JsonNode a = e.getValue();
      List<Connect> connect = new ArrayList<>();
      a.path("connect").forEach(c -> {
        List<String> hosts = new ArrayList<>();
        c.path("hosts").forEach(h -> hosts.add(h.asText()));
        List<Integer> ports = new ArrayList<>();
        c.path("ports").forEach(p -> ports.add(p.asInt()));
        connect.add(new Connect(c.path("service").asText(), hosts, ports,
            c.hasNonNull("http") ? c.path("http").asText() : null));
      });
      List<Fetch> fetch = new ArrayList<>();
      a.path("fetch").forEach(f -> fetch.add(new Fetch(f.path("service").asText(), f.path("url").asText())));
      List<Lookup> lookup = new ArrayList<>();
      a.path("lookup").forEach(l -> lookup.add(new Lookup(l.path("service").asText(), l.path("host").asText())));
      List<X509Certificate> roots = a.hasNonNull("extra_roots") ? pem(a.path("extra_roots").asText()) : List.of();
      apps.put(m, new App(connect, fetch, lookup, roots));
    });
    return new MessengerEndpoints(root.path("source").asText(), root.path("date").asText(), apps);
  }

  /** The certificates of a PEM resource beside this class (comment lines around the blocks are ignored). */
  private static List<X509Certificate> pem(String resource) {
    String text;
    try (InputStream in = MessengerEndpoints.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("org/kuzet/core/messengers/" + resource + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    List<X509Certificate> out = new ArrayList<>();
    String begin = "-----BEGIN CERTIFICATE-----";
    String end = "-----END CERTIFICATE-----";
    for (int i = text.indexOf(begin); i >= 0; i = text.indexOf(begin, i + 1)) {
      int j = text.indexOf(end, i);
      byte[] block = text.substring(i, j + end.length()).getBytes(StandardCharsets.US_ASCII);
      try {
        out.add((X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(block)));
      } catch (CertificateException e) {
        throw new IllegalStateException(resource + ": not a certificate: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
