package org.kuzet.core.ooni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.kuzet.core.net.Bogons;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.step.HttpStep;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.Observations;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse;

/**
 * Reads one measurement line as OONI writes it (df-000 base, ts-017 web_connectivity test keys, the "classic" v0.4
 * shape and the LTE v0.5 shape) into kuzet's model, with the analysis keys left for kuzet to fill; also reads
 * kuzet's own {@code export --format jsonl} and {@code --format ooni} lines.
 *
 * <p>It lives in probe-core, not results-schema, because reading OONI's data is more than JSON mapping: kuzet's
 * analysis expects observations that kuzet's steps fill as they measure (bogon marks on DNS answers, the body's
 * byte length and HTML title, the hop of each request), so the reader computes them with the steps' own rules
 * ({@link Bogons}, {@link HttpStep#title}).
 *
 * <p>Tolerant of everything OONI may write: unknown keys are ignored, {@code null} stands for absent anywhere,
 * bodies may be strings or {@code {"format":"base64","data":…}}, {@code requests} are most recent first (put back
 * in the order they happened, by their {@code depth=N} tag where there is one), the control is kept as sent in any
 * shape (the analysis reads it leniently), and a failure string outside df-007 becomes
 * {@code unknown_failure: <string>} ({@link Failures#fromOutside}). Entries that cannot be understood (a TCP
 * connect without an address) are dropped, not the measurement; only a line that is not a JSON object, or a
 * measurement without {@code test_name}, {@code input}, {@code measurement_start_time} or {@code test_keys}, is
 * refused.
 */
public final class OoniMeasurementReader {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = MeasurementJson.mapper();
  private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  private static final Pattern ASN = Pattern.compile("AS\\d+");
  private static final Pattern CC = Pattern.compile("[A-Z]{2}");
  private static final Pattern DEPTH = Pattern.compile("depth=(\\d+)");
  /** Engines that are the machine's own resolver: OONI's getaddrinfo (LTE), "system" (classic), Go's resolver. */
  private static final java.util.Set<String> SYSTEM_ENGINES = java.util.Set.of("system", "getaddrinfo", "go");

  /** What one line held. */
  public sealed interface Line permits Read, Skipped, Bad {}

  /**
   * A web_connectivity measurement in kuzet's model, observations only (the analysis keys are null, but for the
   * run's {@code x_throttling_baseline} of kuzet's own line), with the verdict keys the line carried (OONI's own,
   * or kuzet's when it is kuzet's line).
   */
  public record Read(Measurement measurement, OoniVerdict recorded) implements Line {}

  /** A measurement of another test (e.g. {@code dnscheck}), not analysed. */
  public record Skipped(String testName, String input) implements Line {}

  /** Not a measurement that can be read; {@code problem} says why, naming the key. */
  public record Bad(String problem) implements Line {}

  /**
   * The verdict keys a measurement line carried, as written there.
   *
   * @param blocking {@link Blocking#NONE} ({@code false}), a method ("dns", "tcp_ip", "http-failure", "http-diff"), or
   *     null
   */
  public record OoniVerdict(Blocking blocking, Boolean accessible, String dnsConsistency) {}

  private OoniMeasurementReader() {}

  /** Reads one line; never throws for bad input (the problem is in {@link Bad}). */
  public static Line read(String line) {
    return read(line, Bogons::isBogon);
  }

  /**
   * Reads one line, marking DNS answers as bogons by {@code bogon} instead of the public internet's rules (a test
   * world on loopback, where 127.0.0.0/8 stands for the internet, as the probe's address policy says).
   */
  public static Line read(String line, java.util.function.Predicate<java.net.InetAddress> bogon) {
    JsonNode root;
    try {
      root = MeasurementJson.mapper().readTree(line);
    } catch (JsonProcessingException e) {
      return new Bad("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return new Bad("not a JSON object");
    }
    String testName = text(root.get("test_name"));
    if (testName == null) {
      return new Bad("no test_name");
    }
    if (!Measurement.TEST_NAME.equals(testName)) {
      return new Skipped(testName, text(root.get("input")));
    }
    String input = text(root.get("input"));
    if (input == null || input.isBlank()) {
      return new Bad("no input (the measured URL)");
    }
    String start = text(root.get("measurement_start_time"));
    if (start == null || !TIME.matcher(start).matches()) {
      return new Bad(start == null ? "no measurement_start_time"
          : "measurement_start_time \"" + start + "\" is not YYYY-MM-DD hh:mm:ss");
    }
    JsonNode tk = root.get("test_keys");
    if (tk == null || !tk.isObject()) {
      return new Bad("no test_keys object");
    }
    OoniVerdict recorded = new OoniVerdict(blocking(tk.get("blocking")), bool(tk.get("accessible")),
        text(tk.get("dns_consistency")));
    try {
      // kuzet's own jsonl line maps exactly onto the model (x_ keys and all); anything else is read leniently.
      Measurement own = MeasurementJson.parse(line);
      return new Read(own.withTestKeys(observationsOf(own.testKeys())), recorded);
    } catch (IllegalArgumentException notOurs) {
      // fall through
    }
    try {
      return new Read(measurement(root, input, start, tk, line, bogon), recorded);
    } catch (RuntimeException e) {
      // A shape no rule above foresaw: this line is lost, never the file.
      return new Bad("cannot read test_keys: " + e.getMessage());
    }
  }

  /**
   * The observations of kuzet's own line, its analysis keys dropped but for {@code x_throttling_baseline}: the run's
   * baseline is an input of the analysis (throttling by time), not a conclusion, and no re-run can rebuild it.
   */
  private static TestKeys observationsOf(TestKeys k) {
    return k.withObservations(k.observations().withTcpConnect(unmarked(k.tcpConnect())))
        .withAnalysis(AnalysisKeys.builder().throttlingBaseline(k.xThrottlingBaseline()).build());
  }

  private static List<TcpConnect> unmarked(List<TcpConnect> connects) {
    return connects.stream().map(c -> new TcpConnect(c.ip(), c.port(),
        new TcpConnect.Status(c.status().success(), c.status().failure(), null), c.t0(), c.t(), c.transactionId(),
        c.tags())).toList();
  }

  private static Measurement measurement(JsonNode root, String input, String start, JsonNode tk, String line,
      java.util.function.Predicate<java.net.InetAddress> bogon) {
    String uid = text(root.get("measurement_uid"));
    if (uid == null || uid.isBlank()) {
      uid = "imported-" + sha256(line).substring(0, 32); // stable: the same line is the same measurement
    }
    String testStart = text(root.get("test_start_time"));
    String asn = text(root.get("probe_asn"));
    String cc = text(root.get("probe_cc"));
    double runtime = root.path("test_runtime").asDouble(0);
    Map<String, String> annotations = new LinkedHashMap<>();
    root.path("annotations").properties().forEach(e -> {
      if (!e.getValue().isNull()) {
        annotations.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
      }
    });
    TestKeys keys = testKeys(tk, input, bogon);
    String resolverAsn = text(root.get("resolver_asn"));
    return new Measurement(uid, text(root.get("report_id")), input, start,
        testStart != null && TIME.matcher(testStart).matches() ? testStart : start,
        asn != null && ASN.matcher(asn).matches() ? asn : "AS0",
        cc != null && CC.matcher(cc).matches() ? cc : "ZZ", text(root.get("probe_network_name")),
        resolverAsn != null && ASN.matcher(resolverAsn).matches() ? resolverAsn : null,
        text(root.get("resolver_network_name")), text(root.get("software_name")), text(root.get("software_version")), Measurement.TEST_NAME,
        text(root.get("test_version")), Double.isFinite(runtime) && runtime >= 0 ? runtime : 0,
        text(root.get("data_format_version")), annotations, keys,
        root.get("test_helpers") != null && root.get("test_helpers").isObject() ? root.get("test_helpers") : null);
  }

  private static TestKeys testKeys(JsonNode tk, String input,
      java.util.function.Predicate<java.net.InetAddress> bogon) {
    HttpUrl url = HttpUrl.parse(input);
    String inputHost = url == null ? null : url.host();
    List<DnsQuery> queries = new ArrayList<>();
    for (JsonNode q : tk.path("queries")) {
      DnsQuery query = query(q, inputHost, bogon);
      if (query != null) {
        queries.add(query);
      }
    }
    addDuplicateResponses(queries, tk.path("x_dns_duplicate_responses"), bogon);
    List<TcpConnect> tcp = new ArrayList<>();
    for (JsonNode c : tk.path("tcp_connect")) {
      TcpConnect connect = tcpConnect(c);
      if (connect != null) {
        tcp.add(connect);
      }
    }
    List<TlsHandshake> tls = new ArrayList<>();
    for (JsonNode h : tk.path("tls_handshakes")) {
      TlsHandshake handshake = tlsHandshake(h, tk.path("tcp_connect"));
      if (handshake != null) {
        tls.add(handshake);
      }
    }
    JsonNode controlNode = tk.get("control");
    String controlFailure = text(tk.get("control_failure"));
    ControlResponse control = null;
    if (controlNode != null && !controlNode.isNull()) {
      try {
        control = controlNode.isObject() ? JSON.treeToValue(controlNode, ControlResponse.class) : null;
        if (control == null) {
          controlFailure = controlFailure != null ? controlFailure : Failures.unknown("control is not a JSON object");
        }
      } catch (JsonProcessingException | IllegalArgumentException e) {
        controlFailure = controlFailure != null ? controlFailure
            : Failures.unknown("control does not match the test helper protocol");
      }
    }
    List<HttpTransaction> requests = withFailedFetch(requests(tk.path("requests")), input,
        Failures.fromOutside(text(tk.get("http_experiment_failure"))), queries);
    Observations observations = new Observations(queries, tcp, tls, requests, networkEvents(tk.path("network_events")),
        Failures.fromOutside(text(tk.get("dns_experiment_failure"))));
    return TestKeys.of(observations)
        .withControl(new ControlExchange(controlRequest(tk.get("x_control_request")), control, controlFailure));
  }

  /** The request sent to the helper, when the line has one kuzet's model reads; else null (it is only a record). */
  private static ControlRequest controlRequest(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    try {
      return JSON.treeToValue(n, ControlRequest.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * df-008 {@code network_events}: entries without an operation are skipped, failures read as {@link
   * Failures#fromOutside}, {@code t0} defaults to {@code t} (older lines have only {@code t}); the first
   * {@link Observations#MAX_NETWORK_EVENTS} are kept.
   */
  private static List<NetworkEvent> networkEvents(JsonNode events) {
    List<NetworkEvent> out = new ArrayList<>();
    for (JsonNode e : events) {
      String operation = e.isObject() ? text(e.get("operation")) : null;
      if (operation == null || out.size() >= Observations.MAX_NETWORK_EVENTS) {
        continue;
      }
      JsonNode bytes = e.get("num_bytes");
      double t = e.path("t").asDouble(0);
      out.add(new NetworkEvent(operation, text(e.get("address")), text(e.get("proto")),
          bytes != null && bytes.canConvertToLong() && bytes.asLong() >= 0 ? bytes.asLong() : null,
          Failures.fromOutside(text(e.get("failure"))), e.path("t0").asDouble(t), t, operationId(e), tags(e)));
    }
    return out;
  }

  private static DnsQuery query(JsonNode q, String inputHost,
      java.util.function.Predicate<java.net.InetAddress> bogon) {
    if (!q.isObject()) {
      return null;
    }
    String hostname = text(q.get("hostname"));
    if (hostname == null) {
      hostname = inputHost;
    }
    if (hostname == null) {
      return null;
    }
    String engine = text(q.get("engine"));
    engine = engine == null || SYSTEM_ENGINES.contains(engine) ? "system" : engine;
    String type = text(q.get("query_type"));
    List<DnsAnswer> answers = new ArrayList<>();
    for (JsonNode a : q.path("answers")) {
      DnsAnswer answer = answer(a, bogon);
      if (answer != null) {
        answers.add(answer);
      }
    }
    JsonNode rcode = q.get("rcode");
    JsonNode id = q.get("transaction_id");
    String resolver = text(q.get("resolver_address"));
    return new DnsQuery(engine, resolver == null || resolver.isEmpty() ? null : resolver, hostname,
        type == null ? "ANY" : type, rcode != null && rcode.canConvertToInt() ? rcode.asInt() : null, answers,
        Failures.fromOutside(text(q.get("failure"))), id != null && id.canConvertToInt() ? id.asInt() : null,
        q.path("t0").asDouble(0), q.path("t").asDouble(0), null, null, tags(q));
  }

  /**
   * OONI LTE's {@code x_dns_duplicate_responses}: further UDP replies to a query after the first, the mark of an
   * injector racing the resolver. kuzet keeps them on the query as {@code x_extra_replies}, so its
   * {@code dns.injected} rule reads OONI's data as it reads its own.
   */
  private static void addDuplicateResponses(List<DnsQuery> queries, JsonNode duplicates,
      java.util.function.Predicate<java.net.InetAddress> isBogon) {
    for (JsonNode d : duplicates) {
      if (!d.isObject()) {
        continue;
      }
      List<DnsAnswer> answers = new ArrayList<>();
      for (JsonNode a : d.path("answers")) {
        DnsAnswer answer = answer(a, isBogon);
        if (answer != null) {
          answers.add(answer);
        }
      }
      for (int i = 0; i < queries.size(); i++) {
        DnsQuery q = queries.get(i);
        if (q.hostname().equalsIgnoreCase(String.valueOf(text(d.get("hostname"))))
            && q.queryType().equals(text(d.get("query_type")))
            && java.util.Objects.equals(q.resolverAddress(), text(d.get("resolver_address")))
            && q.engine().equals(text(d.get("engine")))) {
          List<List<DnsAnswer>> extra = new ArrayList<>(q.xExtraReplies());
          extra.add(answers);
          queries.set(i, new DnsQuery(q.engine(), q.resolverAddress(), q.hostname(), q.queryType(), q.rcode(),
              q.answers(), q.failure(), q.transactionId(), q.t0(), q.t(), extra, q.xDohTls(), q.tags()));
          break;
        }
      }
    }
  }

  private static DnsAnswer answer(JsonNode a, java.util.function.Predicate<java.net.InetAddress> isBogon) {
    String type = text(a.get("answer_type"));
    long ttl = a.path("ttl").asLong(0);
    if ("A".equals(type) || "AAAA".equals(type)) {
      String ip = text(a.get("A".equals(type) ? "ipv4" : "ipv6"));
      if (ip == null || !IpLiterals.isLiteral(ip)) {
        return null;
      }
      boolean bogon = isBogon.test(IpLiterals.parse(ip));
      return "A".equals(type) ? DnsAnswer.a(ip, ttl, bogon) : DnsAnswer.aaaa(ip, ttl, bogon);
    }
    if ("CNAME".equals(type) && text(a.get("hostname")) != null) {
      return DnsAnswer.cname(text(a.get("hostname")), ttl);
    }
    return null; // other record types say nothing about where the site is
  }

  private static TcpConnect tcpConnect(JsonNode c) {
    String ip = text(c.get("ip"));
    JsonNode port = c.get("port");
    if (ip == null || port == null || !port.canConvertToInt()) {
      return null;
    }
    JsonNode s = c.path("status");
    String failure = Failures.fromOutside(text(s.get("failure")));
    boolean success = s.path("success").asBoolean(failure == null) && failure == null;
    return new TcpConnect(ip, port.asInt(), new TcpConnect.Status(success, failure, null), c.path("t0").asDouble(0),
        c.path("t").asDouble(0), operationId(c), tags(c));
  }

  private static TlsHandshake tlsHandshake(JsonNode h, JsonNode tcpConnects) {
    if (!h.isObject()) {
      return null;
    }
    String address = text(h.get("address"));
    if (address == null) {
      address = addressOfTransaction(h.get("transaction_id"), tcpConnects); // classic v0.4 had no address
    }
    if (address == null) {
      return null;
    }
    List<TlsHandshake.PeerCertificate> chain = new ArrayList<>();
    for (JsonNode cert : h.path("peer_certificates")) {
      byte[] der = binary(cert);
      if (der != null) {
        chain.add(TlsHandshake.PeerCertificate.ofDer(der));
      }
    }
    return new TlsHandshake(address, text(h.get("server_name")), text(h.get("tls_version")),
        text(h.get("cipher_suite")), text(h.get("negotiated_protocol")), h.path("no_tls_verify").asBoolean(false),
        chain, Failures.fromOutside(text(h.get("failure"))), h.path("t0").asDouble(0), h.path("t").asDouble(0),
        operationId(h), tags(h));
  }

  private static String addressOfTransaction(JsonNode id, JsonNode tcpConnects) {
    if (id == null || id.isNull()) {
      return null;
    }
    for (JsonNode c : tcpConnects) {
      if (id.equals(c.get("transaction_id")) && text(c.get("ip")) != null && c.path("port").canConvertToInt()) {
        return org.kuzet.schema.Endpoints.format(text(c.get("ip")), c.path("port").asInt());
      }
    }
    return null;
  }

  /**
   * The requests in the order they happened, each with its hop: OONI lists them most recent first; the
   * {@code depth=N} tag, where present, is the hop.
   */
  private static List<HttpTransaction> requests(JsonNode requests) {
    List<JsonNode> entries = new ArrayList<>();
    requests.forEach(r -> {
      if (r.isObject() && r.path("request").isObject() && text(r.path("request").get("url")) != null) {
        entries.add(r);
      }
    });
    java.util.Collections.reverse(entries);
    boolean tagged = !entries.isEmpty() && entries.stream().allMatch(r -> depth(r) >= 0);
    if (tagged) {
      entries.sort(java.util.Comparator.comparingInt(OoniMeasurementReader::depth)); // stable
    }
    List<HttpTransaction> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(transaction(entries.get(i), tagged ? depth(entries.get(i)) : i));
    }
    return out;
  }

  /**
   * kuzet records a fetch that never got a connection as a request with the failure and no address; OONI LTE
   * records no request then, only {@code http_experiment_failure}. The missing request is added, for the input URL
   * or for the redirect the last response pointed to, so kuzet's analysis finds the step that failed. Without
   * {@code http_experiment_failure}, it is added only where the URL's host left nothing to connect to (every
   * query failed or answered bogons), with the failure kuzet would have recorded.
   */
  private static List<HttpTransaction> withFailedFetch(List<HttpTransaction> requests, String input,
      String httpFailure, List<DnsQuery> queries) {
    String url;
    int hop;
    if (requests.isEmpty()) {
      url = input;
      hop = 0;
    } else {
      HttpTransaction last = requests.get(requests.size() - 1);
      String location = last.failure() == null ? redirectTarget(last) : null;
      if (location == null) {
        return requests;
      }
      url = location;
      hop = last.xHop() + 1;
    }
    HttpUrl parsed = HttpUrl.parse(url);
    String failure = httpFailure != null ? httpFailure : parsed == null ? null : resolutionFailure(parsed.host(),
        queries);
    if (failure == null) {
      return requests;
    }
    List<HttpTransaction> out = new ArrayList<>(requests);
    out.add(new HttpTransaction(new HttpTransaction.Request("GET", url, Map.of(), "", null), null, failure, 0, 0,
        null, hop));
    return out;
  }

  /** The absolute URL a redirect response points to, or null when it is not a redirect. */
  private static String redirectTarget(HttpTransaction tx) {
    Integer code = tx.response().code();
    if (code == null || code < 300 || code > 399 || code == 304) {
      return null;
    }
    HttpUrl base = HttpUrl.parse(tx.request().url());
    String location = tx.response().headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Location"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    if (base == null || location == null) {
      return null;
    }
    HttpUrl target = base.resolve(location);
    return target == null ? null : target.toString();
  }

  /**
   * Why {@code host} left nothing to connect to, as kuzet's own measurement records it: the first failure of its
   * queries, or {@code dns_bogon_error} when the answers were bogons only; null when some query gave a usable
   * address, or there was no query for it at all (then nothing says why no request was made).
   */
  private static String resolutionFailure(String host, List<DnsQuery> queries) {
    if (IpLiterals.isLiteral(host)) {
      return null;
    }
    String failure = null;
    boolean any = false;
    for (DnsQuery q : queries) {
      if (!q.hostname().equalsIgnoreCase(host)) {
        continue;
      }
      any = true;
      if (q.answers().stream().anyMatch(a -> a.address() != null && !a.xBogon())) {
        return null;
      }
      if (failure == null) {
        failure = q.failure() != null ? q.failure()
            : q.answers().stream().anyMatch(DnsAnswer::xBogon) ? Failures.DNS_BOGON : null;
      }
    }
    return !any ? null : failure != null ? failure : Failures.DNS_NO_ANSWER;
  }

  private static int depth(JsonNode r) {
    for (JsonNode tag : r.path("tags")) {
      Matcher m = DEPTH.matcher(tag.asText(""));
      if (m.matches()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return -1;
  }

  private static HttpTransaction transaction(JsonNode r, int hop) {
    JsonNode rq = r.path("request");
    HttpTransaction.Request request = new HttpTransaction.Request(
        text(rq.get("method")) == null ? "GET" : text(rq.get("method")), text(rq.get("url")),
        firstValues(rq.get("headers"), rq.get("headers_list")), bodyText(rq.get("body")),
        text(rq.get("x_transport")));
    JsonNode rs = r.path("response");
    HttpTransaction.Response response = HttpTransaction.Response.none();
    int code = rs.path("code").asInt(0);
    if (rs.isObject() && code > 0) {
      byte[] body = bodyBytes(rs.get("body"));
      Map<String, String> headers = firstValues(rs.get("headers"), rs.get("headers_list"));
      // Decoded as kuzet's HTTP step decodes what it receives: by the Content-Type charset (windows-1251 pages).
      String text = body == null ? null : new String(body, charset(headers));
      String raw = body == null || java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body) ? null
          : Base64.getEncoder().encodeToString(body);
      List<List<String>> list = new ArrayList<>();
      for (JsonNode pair : rs.path("headers_list")) {
        if (pair.isArray() && pair.size() == 2) {
          list.add(List.of(pair.get(0).asText(""), valueText(pair.get(1))));
        }
      }
      response = new HttpTransaction.Response(code, headers, list, text, rs.path("body_is_truncated").asBoolean(false),
          body == null ? 0 : body.length, HttpStep.title(text), raw);
    }
    String address = text(r.get("address"));
    return new HttpTransaction(request, response, Failures.fromOutside(text(r.get("failure"))),
        r.path("t0").asDouble(0), r.path("t").asDouble(0), address, hop, text(r.get("network")), text(r.get("alpn")),
        operationId(r), tags(r));
  }

  private static java.nio.charset.Charset charset(Map<String, String> headers) {
    String type = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    okhttp3.MediaType media = type == null ? null : okhttp3.MediaType.parse(type);
    return media == null ? StandardCharsets.UTF_8 : media.charset(StandardCharsets.UTF_8);
  }

  private static Integer operationId(JsonNode n) {
    JsonNode id = n.get("transaction_id");
    return id != null && id.canConvertToInt() ? id.asInt() : null;
  }

  private static List<String> tags(JsonNode n) {
    List<String> tags = new ArrayList<>();
    n.path("tags").forEach(t -> {
      if (t.isTextual()) {
        tags.add(t.asText());
      }
    });
    return tags;
  }

  /** OONI's header map (values a string, a binary object, or a list), else the first value of each in the list. */
  private static Map<String, String> firstValues(JsonNode headers, JsonNode headersList) {
    Map<String, String> out = new LinkedHashMap<>();
    if (headers != null && headers.isObject()) {
      headers.properties().forEach(e -> {
        JsonNode v = e.getValue().isArray() ? e.getValue().path(0) : e.getValue();
        out.put(e.getKey(), valueText(v));
      });
    } else if (headersList != null) {
      for (JsonNode pair : headersList) {
        if (pair.isArray() && pair.size() == 2) {
          out.putIfAbsent(pair.get(0).asText(""), valueText(pair.get(1)));
        }
      }
    }
    return out;
  }

  private static String valueText(JsonNode v) {
    byte[] b = bodyBytes(v);
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  private static String bodyText(JsonNode body) {
    byte[] b = bodyBytes(body);
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }

  /** A body as OONI writes it: a string (UTF-8), or {@code {"format":"base64","data":…}}; null when absent. */
  private static byte[] bodyBytes(JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return null;
    }
    if (body.isObject()) {
      return binary(body);
    }
    return body.asText("").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] binary(JsonNode node) {
    if (node == null || !node.isObject() || !"base64".equals(text(node.get("format")))) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(node.path("data").asText(""));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Blocking blocking(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.asBoolean() ? null : Blocking.NONE; // "true" is not a value OONI writes; treat as unknown
    }
    String method = text(n);
    return method == null || method.isBlank() ? null : Blocking.method(method);
  }

  private static Boolean bool(JsonNode n) {
    return n == null || !n.isBoolean() ? null : n.asBoolean();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() || n.isContainerNode() ? null : n.asText();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is in every JDK", e);
    }
  }
}
