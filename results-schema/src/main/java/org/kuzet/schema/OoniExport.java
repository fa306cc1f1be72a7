package org.kuzet.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kuzet's export line in the shape OONI's tools read (df-000 base, ts-017 web_connectivity test keys): pure JSON
 * in, JSON out, no I/O.
 *
 * <ul>
 *   <li>kuzet's own extension keys ({@link #KUZET_KEYS}) are removed; OONI's own {@code x_} keys ({@link
 *       #OONI_KEYS}: {@code x_transport}, {@code x_control_request}, …) are kept;
 *   <li>{@code probe_ip} is OONI's scrubbed placeholder, {@code test_helpers} the helper used ({@code {}} when none),
 *       {@code annotations} carry {@code engine_name} "kuzet", {@code engine_version}, {@code architecture};
 *   <li>{@code requests} are most recent first (OONI's tools read {@code requests[0]} as the final response), only
 *       those that were sent (OONI records no request that never reached the network; the failure is then in
 *       {@code http_experiment_failure}), {@code response.code} 0 when no response came;
 *   <li>a body that is not valid UTF-8 is {@code {"format":"base64","data":…}} of the bytes the server sent;
 *   <li>{@code network_events} (df-008) as recorded, an empty list for lines that have none;
 *   <li>a DNS query's further replies ({@code x_extra_replies}) become OONI LTE's {@code x_dns_duplicate_responses}.
 * </ul>
 */
public final class OoniExport {
  /**
   * Every key kuzet adds to OONI's format (all start with {@code x_}); removed from the OONI export. A new kuzet key
   * must be listed here or in {@link #OONI_KEYS}: a test checks every {@code x_} key of the JSON Schema.
   */
  public static final Set<String> KUZET_KEYS = Set.of("x_verdict", "x_signals", "x_interception", "x_blockpage",
      "x_failed_hop", "x_hop", "x_address", "x_body_length", "x_title", "x_body_base64", "x_bogon",
      "x_extra_replies", "x_extra_replies_t", "x_doh_tls", "x_body_t0", "x_body_t", "x_throttling_baseline");

  /** OONI's own {@code x_} keys that kuzet writes under OONI's name: never removed. */
  public static final Set<String> OONI_KEYS = Set.of("x_transport", "x_control_request",
      "x_dns_duplicate_responses");

  /** OONI's placeholder for a scrubbed probe address: the key is required by df-000; it is not the volunteer's. */
  public static final String SCRUBBED_IP = "127.0.0.1";

  private static final ObjectMapper MAPPER = MeasurementJson.mapper();

  private OoniExport() {}

  /** The OONI line of one kuzet export line (any version kuzet wrote). */
  public static String line(String kuzetJson) {
    try {
      return MAPPER.writeValueAsString(tree(kuzetJson));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an OONI line: " + e.getOriginalMessage(), e);
    }
  }

  /** The OONI measurement of one kuzet export line, as a tree. */
  public static ObjectNode tree(String kuzetJson) {
    ObjectNode root;
    try {
      // Through the model when it reads the line: older lines get today's names (x_address → address).
      root = MAPPER.valueToTree(MeasurementJson.parse(kuzetJson));
    } catch (IllegalArgumentException olderOrOther) {
      try {
        root = (ObjectNode) MAPPER.readTree(kuzetJson);
      } catch (JsonProcessingException | ClassCastException e) {
        throw new IllegalArgumentException("stored measurement is not a JSON object", e);
      }
    }
    ObjectNode tk = root.path("test_keys") instanceof ObjectNode o ? o : root.putObject("test_keys");
    duplicateResponses(tk);
    requests(tk);
    if (!tk.has("network_events")) {
      tk.putArray("network_events"); // df-008 events where kuzet recorded them; an empty list where it did not
    }
    removeKuzetKeys(root);
    tk.put("agent", "redirect");
    String testName = root.path("test_name").asText("");
    if (MessengerKeys.TEST_NAMES.contains(testName)) {
      messenger(testName, kuzetJson, root, tk);
    }
    tk.putNull("client_resolver");
    tk.putNull("retries");
    tk.putNull("socksproxy");

    ObjectNode ooni = MAPPER.createObjectNode();
    ooni.put("probe_ip", SCRUBBED_IP);
    ooni.setAll(root);
    if (!(ooni.get("test_helpers") instanceof ObjectNode)) {
      ooni.putObject("test_helpers");
    }
    if (!ooni.hasNonNull("report_id")) {
      ooni.put("report_id", "");
    }
    if (!ooni.hasNonNull("test_version")) {
      ooni.put("test_version", "");
    }
    ObjectNode annotations = ooni.get("annotations") instanceof ObjectNode a ? a : ooni.putObject("annotations");
    annotations.put("engine_name", "kuzet");
    if (!annotations.has("engine_version") && ooni.hasNonNull("software_version")) {
      annotations.put("engine_version", ooni.get("software_version").asText());
    }
    return ooni;
  }

  /** web_connectivity's keys, which a messenger test has not: OONI's messenger tests write their own instead. */
  private static final List<String> WEB_ONLY = List.of("control", "control_failure", "dns_experiment_failure",
      "dns_consistency", "blocking", "accessible", "body_length_match", "body_proportion", "headers_match",
      "status_code_match", "title_match", "http_experiment_failure", "x_control_request");

  /** A messenger test as OONI writes it: no input, its own keys (ts-018, ts-020, ts-029) from the observations. */
  private static void messenger(String testName, String kuzetJson, ObjectNode root, ObjectNode tk) {
    root.putNull("input");
    WEB_ONLY.forEach(tk::remove);
    tk.putNull("failure");
    tk.putNull("failed_operation");
    MessengerKeys.write(testName, MeasurementJson.parse(kuzetJson).testKeys(), tk);
  }

  /**
   * OONI's order and shape of {@code requests}, and {@code http_experiment_failure}: the failure of the last step of
   * the fetch (kuzet's last hop), whether it was sent or failed before (DNS, TCP, TLS).
   */
  private static void requests(ObjectNode tk) {
    if (!(tk.get("requests") instanceof ArrayNode hops)) {
      tk.putNull("http_experiment_failure");
      return;
    }
    List<JsonNode> inOrder = new ArrayList<>();
    hops.forEach(inOrder::add);
    JsonNode last = inOrder.isEmpty() ? null : inOrder.get(inOrder.size() - 1);
    if (last != null && last.hasNonNull("failure")) {
      tk.put("http_experiment_failure", last.get("failure").asText());
    } else {
      tk.putNull("http_experiment_failure");
    }
    hops.removeAll();
    for (int i = inOrder.size() - 1; i >= 0; i--) {
      JsonNode r = inOrder.get(i);
      if (r instanceof ObjectNode old && !old.has("address") && old.hasNonNull("x_address")) {
        old.set("address", old.get("x_address")); // a line the model no longer reads
      }
      if (!(r instanceof ObjectNode tx) || !tx.hasNonNull("address")) {
        continue; // never sent: no endpoint worked
      }
      if (tx.get("response") instanceof ObjectNode response) {
        if (!response.hasNonNull("code")) {
          response.put("code", 0);
        }
        body(response);
      }
      if (tx.get("request") instanceof ObjectNode request) {
        request.set("headers_list", headersList(request.get("headers")));
        ObjectNode tor = request.putObject("tor");
        tor.putNull("exit_ip");
        tor.putNull("exit_name");
        tor.put("is_tor", false);
      }
      hops.add(tx);
    }
  }

  private static ArrayNode headersList(JsonNode headers) {
    ArrayNode list = MAPPER.createArrayNode();
    if (headers != null) {
      headers.properties().forEach(e -> list.addArray().add(e.getKey()).add(e.getValue().asText()));
    }
    return list;
  }

  /** The body as the server sent it: a string when the bytes are UTF-8, else OONI's binary-data object. */
  private static void body(ObjectNode response) {
    JsonNode raw = response.get("x_body_base64");
    if (raw == null || !raw.isTextual()) {
      return;
    }
    byte[] bytes = Base64.getDecoder().decode(raw.asText());
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      response.put("body", text);
    } catch (CharacterCodingException notUtf8) {
      ObjectNode binary = response.putObject("body");
      binary.put("format", "base64");
      binary.put("data", raw.asText());
    }
  }

  /**
   * kuzet's further UDP replies to a query (OONI's late replies), in OONI LTE's list of duplicate responses: each
   * one a lookup result of its own, with the query's operation id and start, and its own arrival time as {@code t}.
   */
  private static void duplicateResponses(ObjectNode tk) {
    ArrayNode out = MAPPER.createArrayNode();
    for (JsonNode q : tk.path("queries")) {
      JsonNode times = q.path("x_extra_replies_t");
      int i = 0;
      for (JsonNode answers : q.path("x_extra_replies")) {
        ObjectNode d = out.addObject();
        for (String k : List.of("engine", "resolver_address", "hostname", "query_type")) {
          d.set(k, q.get(k));
        }
        d.set("answers", answers.deepCopy());
        d.putNull("failure");
        if (q.has("transaction_id")) {
          d.set("transaction_id", q.get("transaction_id"));
        }
        d.set("t0", q.get("t0"));
        d.set("t", times.has(i) ? times.get(i) : q.get("t"));
        i++;
      }
    }
    if (!out.isEmpty()) {
      tk.set("x_dns_duplicate_responses", out);
    }
  }

  private static void removeKuzetKeys(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (KUZET_KEYS.contains(e.getKey())) {
          it.remove();
        } else {
          removeKuzetKeys(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(OoniExport::removeKuzetKeys);
    }
  }
}
