package org.kuzet.core.step;

import org.kuzet.core.net.IpLiterals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.tls.RecordingTrustManager;
import org.kuzet.core.tls.TlsContexts;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.NetworkEvent;

/**
 * One HTTP GET, one hop: sent to a chosen endpoint (the hostname is pinned to that address, so the request
 * goes where the TCP/TLS steps looked), redirects not followed, the body read up to a cap.
 */
public final class HttpStep {

  private final OkHttpClient base;
  private final Duration timeout;
  private final TrustRoots roots;
  private final int maxBodyBytes;
  private final String userAgent;
  private final StepClock clock;
  private final ProbeEventListener listener;
  private final NetworkEventLog events;

  public HttpStep(OkHttpClient base, Duration timeout, TrustRoots roots, int maxBodyBytes, String userAgent,
      StepClock clock, ProbeEventListener listener) {
    this(base, timeout, roots, maxBodyBytes, userAgent, clock, listener, NetworkEventLog.discarding());
  }

  /**
   * A step that also records df-008 events in {@code events}: {@code http_transaction_start}/{@code _done} of each
   * request sent, and its own connection's {@code connect}, {@code tls_handshake_start}/{@code _done} and
   * {@code http_first_response_byte} (from OkHttp's {@link EventListener}).
   */
  public HttpStep(OkHttpClient base, Duration timeout, TrustRoots roots, int maxBodyBytes, String userAgent,
      StepClock clock, ProbeEventListener listener, NetworkEventLog events) {
    this.events = events;
    this.base = base;
    this.timeout = timeout;
    this.roots = roots;
    this.maxBodyBytes = maxBodyBytes;
    this.userAgent = userAgent;
    this.clock = clock;
    this.listener = listener;
  }

  /** The request as sent; also used to record a request that could not be sent at all. */
  public HttpTransaction.Request request(HttpUrl url) {
    return request("GET", url);
  }

  private HttpTransaction.Request request(String method, HttpUrl url) {
    return new HttpTransaction.Request(method, url.toString(), headers(), "", "tcp");
  }

  /** A hop that never reached the network: no endpoint worked, so the step's failure is the earlier one. */
  public HttpTransaction notSent(HttpUrl url, int hop, String failure) {
    listener.httpStart(url.toString(), hop);
    double t = clock.now();
    HttpTransaction tx = new HttpTransaction(request(url), null, failure, t, t, null, hop);
    listener.httpEnd(tx);
    return tx;
  }

  public HttpTransaction get(HttpUrl url, InetAddress address, int hop) {
    return send("GET", url, address, hop);
  }

  /**
   * {@link #get} with another method; a request that takes a body gets an empty one ({@code Content-Length: 0}),
   * as OONI's POST to Telegram's data centres.
   */
  public HttpTransaction send(String method, HttpUrl url, InetAddress address, int hop) {
    listener.httpStart(url.toString(), hop);
    double t0 = clock.now();
    String endpoint = Endpoints.format(IpLiterals.text(address), url.port());
    events.add(NetworkEvent.of("http_transaction_start", endpoint, "tcp", null, null, t0, t0));
    RecordingTrustManager tm = new RecordingTrustManager(roots.trustManager(), RecordingTrustManager.Mode.ENFORCE);
    // Counted only when the client connects with plain sockets, so a caller's own socket factory is never replaced.
    ReceivedBytes counted = base.socketFactory() == SocketFactory.getDefault() ? new ReceivedBytes() : null;
    OkHttpClient.Builder builder = base.newBuilder();
    if (counted != null) {
      builder.socketFactory(counted);
    }
    if (url.isHttps()) {
      // A TLS context per request only where TLS is spoken: building one costs CPU that plain HTTP never needs.
      builder.sslSocketFactory(TlsContexts.with(tm).getSocketFactory(), tm);
    }
    OkHttpClient client = builder
        .dns(pinned(url.host(), address))
        .eventListener(new ConnectionEvents(endpoint))
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .callTimeout(timeout)
        .build();
    Request.Builder rb = new Request.Builder().url(url)
        .method(method, method.equals("GET") || method.equals("HEAD") ? null : RequestBody.create(new byte[0]));
    headers().forEach(rb::header);
    HttpTransaction.Response partial = null;
    Buffer received = new Buffer();
    Charset charset = StandardCharsets.UTF_8;
    String alpn = "";
    double[] bodyTimes = {-1, -1}; // first and last body byte: the transfer that throttling is judged on
    try (Response response = client.newCall(rb.build()).execute()) {
      // OONI's alpn: what HTTP spoke over TLS ("h2", "http/1.1"); empty for cleartext, as OONI writes it.
      alpn = url.isHttps() ? response.protocol().toString() : "";
      partial = new HttpTransaction.Response(response.code(), firstValues(response), allValues(response), null,
          false, 0, null);
      charset = charset(response.body());
      boolean truncated = read(response.body(), received, bodyTimes);
      HttpTransaction.Response full = withBody(partial, received, charset, truncated);
      return end(new HttpTransaction(request(method, url), full, null, t0, clock.now(), endpoint, hop, "tcp", alpn,
          null, List.of()).withBodyTimes(time(bodyTimes[0]), time(bodyTimes[1])));
    } catch (IOException e) {
      if (partial != null && received.size() > 0) {
        // The body broke off: keep what arrived, evidence of a stall or a throttled transfer.
        partial = withBody(partial, received, charset, false);
      }
      String failure = FailureClassifier.classifyHttp(e, partial != null, counted == null ? -1 : counted.received());
      return end(new HttpTransaction(request(method, url), partial, failure, t0, clock.now(), endpoint, hop, "tcp",
          alpn, null, List.of()).withBodyTimes(time(bodyTimes[0]), time(bodyTimes[1])));
    }
  }

  private static Double time(double t) {
    return t < 0 ? null : t;
  }

  private HttpTransaction end(HttpTransaction tx) {
    if (tx.xAddress() != null) { // a request never sent has no transaction on the network
      events.add(NetworkEvent.of("http_transaction_done", tx.xAddress(), "tcp", null, tx.failure(), tx.t0(), tx.t()));
    }
    listener.httpEnd(tx);
    return tx;
  }

  /**
   * The request's own connection as df-008 events. OkHttp reports the end of the TCP connect only with the whole
   * connection (after TLS), so for https the connect ends where the TLS handshake starts. One instance per call, on
   * the calling thread.
   */
  private final class ConnectionEvents extends EventListener {
    private final String endpoint;
    private double connectStart;
    private double tlsStart = -1;
    private boolean connected;

    ConnectionEvents(String endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
      connectStart = clock.now();
    }

    @Override
    public void secureConnectStart(Call call) {
      double t = clock.now();
      connected(t, null);
      tlsStart = t;
      events.add(NetworkEvent.of("tls_handshake_start", endpoint, "tcp", null, null, t, t));
    }

    @Override
    public void secureConnectEnd(Call call, Handshake handshake) {
      events.add(NetworkEvent.of("tls_handshake_done", endpoint, "tcp", null, null, tlsStart, clock.now()));
    }

    @Override
    public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
      connected(clock.now(), null);
    }

    @Override
    public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol,
        IOException ioe) {
      String failure = FailureClassifier.classify(ioe);
      if (tlsStart >= 0) {
        events.add(NetworkEvent.of("tls_handshake_done", endpoint, "tcp", null, failure, tlsStart, clock.now()));
      } else {
        connected(clock.now(), failure);
      }
    }

    @Override
    public void responseHeadersStart(Call call) {
      double t = clock.now();
      events.add(NetworkEvent.of("http_first_response_byte", endpoint, "tcp", null, null, t, t));
    }

    private void connected(double t, String failure) {
      if (!connected) {
        connected = true;
        events.add(NetworkEvent.of("connect", endpoint, "tcp", null, failure, connectStart, t));
      }
    }
  }

  private Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    h.put("Accept-Language", "en-US,en;q=0.9");
    h.put("User-Agent", userAgent);
    return h;
  }

  private static Dns pinned(String host, InetAddress address) {
    return name -> {
      if (name.equalsIgnoreCase(host)) {
        return List.of(address);
      }
      // Redirects are not followed by OkHttp, so no other name is ever looked up; refuse rather than leak.
      throw new UnknownHostException("kuzet resolves " + name + " in its own DNS step");
    };
  }

  /** {@code head} (status and headers) with the body in {@code body}, which this drains. */
  private static HttpTransaction.Response withBody(HttpTransaction.Response head, Buffer body, Charset charset,
      boolean truncated) {
    byte[] bytes = body.readByteArray();
    String text = new String(bytes, charset);
    // The text is what the analysis reads (decoded by the page's charset, e.g. windows-1251); the bytes are what
    // the server sent, kept whenever the text does not encode back to them, so exports hash what was received.
    String raw = java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes) ? null
        : java.util.Base64.getEncoder().encodeToString(bytes);
    return new HttpTransaction.Response(head.code(), head.headers(), head.headersList(), text, truncated,
        bytes.length, title(text), raw);
  }

  /**
   * Reads the body into {@code into}, up to the cap; returns whether it was cut there. {@code times} gets when the
   * first and the last body byte arrived.
   */
  private boolean read(ResponseBody body, Buffer into, double[] times) throws IOException {
    BufferedSource source = body.source();
    while (into.size() < maxBodyBytes) {
      long n = source.read(into, Math.min(8192, maxBodyBytes - into.size()));
      if (n == -1) {
        break;
      }
      if (n > 0) {
        double now = clock.now();
        if (times[0] < 0) {
          times[0] = now;
        }
        times[1] = now;
      }
    }
    return into.size() >= maxBodyBytes && !source.exhausted();
  }

  private static Charset charset(ResponseBody body) {
    return body.contentType() == null ? StandardCharsets.UTF_8 : body.contentType().charset(StandardCharsets.UTF_8);
  }

  private static Map<String, String> firstValues(Response r) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var pair : r.headers()) {
      m.putIfAbsent(pair.getFirst(), pair.getSecond());
    }
    return m;
  }

  private static List<List<String>> allValues(Response r) {
    List<List<String>> list = new ArrayList<>();
    for (var pair : r.headers()) {
      list.add(List.of(pair.getFirst(), pair.getSecond()));
    }
    return list;
  }

  /** The page title ({@link PageTitle}): whitespace collapsed, at most 256 characters; null when there is none. */
  public static String title(String body) {
    return PageTitle.of(body);
  }
}
