package org.kuzet.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.tls.RecordingTrustManager;
import org.kuzet.core.tls.TlsContexts;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Failures;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlFailures;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse;

/**
 * The probe's side of OONI's web connectivity control protocol: POSTs a {@link ControlRequest} to the first
 * control URL and, when that fails (network failure, non-200, malformed answer), to the next, in order. Works
 * against {@code kuzet helper} and, by protocol, OONI's public test helpers.
 *
 * <p>Failures are data, never exceptions: the outcome is the typed response or a failure string. Thread-safe;
 * one instance serves a whole run and reuses connections to the helpers.
 */
public final class ControlClient {
  private static final MediaType JSON = MediaType.get("application/json");
  /** A control answer is a few KiB; refuse to buffer an endless one. */
  private static final long MAX_RESPONSE_BYTES = 4 << 20;

  private final List<HttpUrl> urls;
  private final OkHttpClient client;

  /** The response, or null with the failure of the last control URL tried. */
  public record Outcome(ControlResponse response, String failure, String url) {
    public static Outcome failed(String failure, String url) {
      return new Outcome(null, failure, url);
    }
  }

  /**
   * @param urls control URLs, tried in order; each must be http(s)
   * @param timeout the whole exchange with one control URL, from connect to the last byte
   * @param roots the probe's own roots: a helper is trusted exactly as the sites it measures are
   * @param base the client whose dispatcher and connection pool are shared (settings are overridden)
   */
  public ControlClient(List<String> urls, Duration timeout, TrustRoots roots, OkHttpClient base) {
    this.urls = urls.stream().map(ControlClient::parse).toList();
    Objects.requireNonNull(timeout, "timeout");
    // ENFORCE mode: an untrusted helper is a failed control. The recorder's chain is never read, so one
    // instance may see many handshakes.
    RecordingTrustManager tm = new RecordingTrustManager(roots.trustManager(), RecordingTrustManager.Mode.ENFORCE);
    this.client = base.newBuilder()
        .sslSocketFactory(TlsContexts.with(tm).getSocketFactory(), tm)
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .callTimeout(timeout)
        .build();
  }

  private static HttpUrl parse(String url) {
    HttpUrl u = HttpUrl.parse(url);
    if (u == null) {
      throw new IllegalArgumentException("control URL " + url + ": not an http(s) URL");
    }
    return u;
  }

  public boolean configured() {
    return !urls.isEmpty();
  }

  /** Asks each control URL in turn until one answers well. */
  public Outcome query(ControlRequest request) {
    if (urls.isEmpty()) {
      return Outcome.failed(ControlFailures.NOT_CONFIGURED, null);
    }
    byte[] body;
    try {
      body = MeasurementJson.mapper().writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a control request", e);
    }
    Outcome last = null;
    for (HttpUrl url : urls) {
      last = queryOne(url, body);
      if (last.response() != null) {
        return last;
      }
    }
    return last;
  }

  private Outcome queryOne(HttpUrl url, byte[] body) {
    Request request = new Request.Builder().url(url)
        .header("Accept", "application/json")
        .post(RequestBody.create(body, JSON))
        .build();
    try (Response response = client.newCall(request).execute()) {
      if (response.code() != 200) {
        return Outcome.failed(Failures.unknown("control answered HTTP " + response.code()), url.toString());
      }
      ResponseBody rb = response.body();
      if (rb.contentLength() > MAX_RESPONSE_BYTES) {
        return Outcome.failed(Failures.unknown("control response too large"), url.toString());
      }
      okio.BufferedSource source = rb.source();
      if (source.request(MAX_RESPONSE_BYTES + 1)) {
        return Outcome.failed(Failures.unknown("control response too large"), url.toString());
      }
      return parseResponse(source.getBuffer().readByteArray(), url.toString());
    } catch (IOException e) {
      return Outcome.failed(FailureClassifier.classify(e), url.toString());
    }
  }

  /** The answer if it is a control response (an object whose known keys have the right shapes). */
  static Outcome parseResponse(byte[] bytes, String url) {
    JsonNode node;
    try {
      node = MeasurementJson.mapper().readTree(bytes);
    } catch (IOException e) {
      return Outcome.failed(Failures.unknown("control response is not JSON"), url);
    }
    if (node == null || !node.isObject()) {
      return Outcome.failed(Failures.unknown("control response is not a JSON object"), url);
    }
    for (String key : List.of("dns", "tcp_connect", "http_request")) {
      if (!node.path(key).isObject()) {
        return Outcome.failed(Failures.unknown("control response has no " + key + " object"), url);
      }
    }
    try {
      return new Outcome(MeasurementJson.mapper().treeToValue(node, ControlResponse.class), null, url);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Outcome.failed(Failures.unknown("control response does not match the protocol"), url);
    }
  }
}
