package org.kuzet.schema;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse;

/**
 * The {@code test_keys} of a web_connectivity measurement, in three parts: the {@link Observations} (what the probe
 * saw), the {@link ControlExchange} (what the test helper was asked and answered, typed) and the {@link
 * AnalysisKeys} (what the analysis concluded; {@link AnalysisKeys#NONE} until it ran). Observations are never
 * changed by analysis.
 *
 * <p>On the wire the parts are flat, in OONI's order ({@link #WIRE_ORDER}): a line reads exactly as it did when
 * this was one record. Jackson's {@code @JsonUnwrapped} would flatten them too, but it concatenates the parts (today's
 * lines have {@code dns_experiment_failure} between the control and the analysis keys) and it stops unknown keys
 * from being rejected (databind #650); {@link Writer} and {@link Reader} keep both.
 *
 * <p>The flat accessors ({@link #queries()}, {@link #blocking()}, …) read the part that holds the key.
 */
@JsonSerialize(using = TestKeys.Writer.class)
@JsonDeserialize(using = TestKeys.Reader.class)
public record TestKeys(Observations observations, ControlExchange controlExchange, AnalysisKeys analysis) {

  private static final List<String> OBSERVATION_KEYS =
      List.of("queries", "tcp_connect", "tls_handshakes", "requests", "network_events", "dns_experiment_failure");
  private static final List<String> CONTROL_KEYS = List.of("control", "control_failure", "x_control_request");
  private static final List<String> ANALYSIS_KEYS = List.of("dns_consistency", "blocking", "accessible",
      "x_verdict", "x_signals", "x_interception", "body_length_match", "body_proportion", "headers_match",
      "status_code_match", "title_match", "x_blockpage", "x_failed_hop", "x_throttling_baseline");

  /** Every key of {@code test_keys}, in the order lines are written. */
  public static final List<String> WIRE_ORDER = List.of("queries", "tcp_connect", "tls_handshakes", "requests",
      "network_events", "control", "control_failure", "dns_experiment_failure", "dns_consistency", "blocking",
      "accessible", "x_verdict", "x_signals", "x_interception", "body_length_match", "body_proportion",
      "headers_match", "status_code_match", "title_match", "x_blockpage", "x_failed_hop", "x_throttling_baseline",
      "x_control_request");

  public TestKeys {
    observations = observations == null ? Observations.NONE : observations;
    controlExchange = controlExchange == null ? ControlExchange.NONE : controlExchange;
    analysis = analysis == null ? AnalysisKeys.NONE : analysis;
  }

  /** Observations only: no control, not analysed. */
  public static TestKeys of(Observations observations) {
    return new TestKeys(observations, ControlExchange.NONE, AnalysisKeys.NONE);
  }

  /** Observations only: the control and analysis keys left null. */
  public static TestKeys observations(
      List<DnsQuery> queries, List<TcpConnect> tcp, List<TlsHandshake> tls, List<HttpTransaction> requests,
      String dnsExperimentFailure) {
    return of(new Observations(queries, tcp, tls, requests, dnsExperimentFailure));
  }

  public TestKeys withObservations(Observations o) {
    return new TestKeys(o, controlExchange, analysis);
  }

  public TestKeys withControl(ControlExchange c) {
    return new TestKeys(observations, c, analysis);
  }

  public TestKeys withAnalysis(AnalysisKeys a) {
    return new TestKeys(observations, controlExchange, a);
  }

  /** These keys with the control request that was sent. */
  public TestKeys withControlRequest(ControlRequest request) {
    return withControl(controlExchange.withRequest(request));
  }

  // The flat view, key by key as on the wire.

  public List<DnsQuery> queries() {
    return observations.queries();
  }

  public List<TcpConnect> tcpConnect() {
    return observations.tcpConnect();
  }

  public List<TlsHandshake> tlsHandshakes() {
    return observations.tlsHandshakes();
  }

  public List<HttpTransaction> requests() {
    return observations.requests();
  }

  public List<NetworkEvent> networkEvents() {
    return observations.networkEvents();
  }

  public String dnsExperimentFailure() {
    return observations.dnsExperimentFailure();
  }

  /** OONI's {@code control}: the helper's answer, null when there is none. */
  public ControlResponse control() {
    return controlExchange.response();
  }

  public String controlFailure() {
    return controlExchange.failure();
  }

  /** OONI's {@code x_control_request}: the request really sent to the helper; null when none was sent. */
  public ControlRequest xControlRequest() {
    return controlExchange.request();
  }

  public String dnsConsistency() {
    return analysis.dnsConsistency();
  }

  public Blocking blocking() {
    return analysis.blocking();
  }

  public Boolean accessible() {
    return analysis.accessible();
  }

  public Verdict xVerdict() {
    return analysis.xVerdict();
  }

  public List<Signal> xSignals() {
    return analysis.xSignals();
  }

  public JsonNode xInterception() {
    return analysis.xInterception();
  }

  public Boolean bodyLengthMatch() {
    return analysis.bodyLengthMatch();
  }

  public Double bodyProportion() {
    return analysis.bodyProportion();
  }

  public Boolean headersMatch() {
    return analysis.headersMatch();
  }

  public Boolean statusCodeMatch() {
    return analysis.statusCodeMatch();
  }

  public Boolean titleMatch() {
    return analysis.titleMatch();
  }

  public List<String> xBlockpage() {
    return analysis.xBlockpage();
  }

  public JsonNode xFailedHop() {
    return analysis.xFailedHop();
  }

  /** kuzet's {@code x_throttling_baseline}: what throttling by time was judged against; null when nothing was. */
  public ThrottlingBaseline xThrottlingBaseline() {
    return analysis.xThrottlingBaseline();
  }

  /** Writes the three parts as one flat object in {@link #WIRE_ORDER}. */
  static final class Writer extends StdSerializer<TestKeys> {
    Writer() {
      super(TestKeys.class);
    }

    @Override
    public void serialize(TestKeys k, JsonGenerator gen, SerializerProvider provider) throws IOException {
      Map<String, JsonNode> all = new LinkedHashMap<>();
      for (Object part : List.of(k.observations(), k.controlExchange(), k.analysis())) {
        ObjectNode tree = MeasurementJson.mapper().valueToTree(part);
        tree.properties().forEach(e -> all.put(e.getKey(), e.getValue()));
      }
      gen.writeStartObject(k);
      for (String key : WIRE_ORDER) {
        JsonNode value = all.remove(key);
        if (value != null) {
          gen.writeFieldName(key);
          gen.writeTree(value);
        }
      }
      if (!all.isEmpty()) {
        throw new IllegalStateException("test_keys " + all.keySet() + " missing from TestKeys.WIRE_ORDER");
      }
      gen.writeEndObject();
    }
  }

  /** Reads a flat object into the three parts; a key none of them has is rejected like any unknown key. */
  static final class Reader extends StdDeserializer<TestKeys> {
    private static final Set<String> KNOWN = Set.copyOf(WIRE_ORDER);

    Reader() {
      super(TestKeys.class);
    }

    @Override
    public TestKeys deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = ctxt.readTree(p);
      if (!(node instanceof ObjectNode object)) {
        return (TestKeys) ctxt.handleUnexpectedToken(TestKeys.class, p);
      }
      ObjectNode obs = ctxt.getNodeFactory().objectNode();
      ObjectNode control = ctxt.getNodeFactory().objectNode();
      ObjectNode analysis = ctxt.getNodeFactory().objectNode();
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        String key = e.getKey();
        if (OBSERVATION_KEYS.contains(key)) {
          obs.set(key, e.getValue());
        } else if (CONTROL_KEYS.contains(key)) {
          control.set(key, e.getValue());
        } else if (ANALYSIS_KEYS.contains(key)) {
          analysis.set(key, e.getValue());
        } else if (ctxt.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)) {
          throw UnrecognizedPropertyException.from(p, TestKeys.class, key, new ArrayList<>(KNOWN));
        }
      }
      return new TestKeys(ctxt.readTreeAsValue(obs, Observations.class),
          ctxt.readTreeAsValue(control, ControlExchange.class),
          ctxt.readTreeAsValue(analysis, AnalysisKeys.class));
    }
  }
}
