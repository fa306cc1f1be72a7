package org.kuzet.core.ooni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kuzet.core.ooni.OoniMeasurementReader.Bad;
import org.kuzet.core.ooni.OoniMeasurementReader.Read;
import org.kuzet.core.ooni.OoniMeasurementReader.Skipped;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;

class OoniMeasurementReaderTest {

  /** OONI Probe "classic" (web_connectivity 0.4, as MK and probe-engine wrote it), with what OONI may add. */
  private static final String CLASSIC = """
      {"test_name":"web_connectivity","test_version":"0.4.1","input":"http://a.example/","report_id":"r1",
       "measurement_start_time":"2019-08-01 10:00:00","test_start_time":null,"probe_asn":"AS9198","probe_cc":"KZ",
       "probe_ip":"127.0.0.1","software_name":"ooniprobe-android","software_version":"2.1","test_runtime":1.5,
       "annotations":{"network_type":"wifi","flag":true},"some_future_key":{"x":[1]},
       "test_keys":{"client_resolver":"1.2.3.4","agent":"redirect","retries":null,"socksproxy":null,
        "queries":[{"engine":"system","resolver_hostname":null,"hostname":"a.example","query_type":"A",
          "answers":[{"answer_type":"CNAME","hostname":"edge.example.","ttl":null},
                     {"answer_type":"A","ipv4":"10.10.34.34","ttl":300},
                     {"answer_type":"MX","hostname":"mail.example."}],"failure":null}],
        "tcp_connect":[{"ip":"10.10.34.34","port":80,"status":{"success":true,"failure":null,"blocked":false}},
                       {"ip":"10.10.34.35"}],
        "requests":[{"request":{"url":"http://a.example/","method":"GET","headers":{"User-Agent":"x"},"body":"",
            "tor":{"is_tor":false}},
          "response":{"code":200,"body":{"format":"base64",
            "data":"PGh0bWw+PGhlYWQ+PHRpdGxlPtHy8ODt6PbgIOfg4evu6ujw7uLg7eA8L3RpdGxlPjwvaGVhZD48L2h0bWw+"},
            "headers":{"Server":"nginx"},"body_is_truncated":false},"failure":null}],
        "control":{"tcp_connect":{"10.10.34.34:80":{"status":false,"failure":"connection_refused_error"}},
          "http_request":{"body_length":1000,"failure":null,"title":"A","headers":{"Server":"x"},"status_code":200},
          "dns":{"failure":null,"addrs":["93.184.216.34"]}},
        "control_failure":null,"dns_experiment_failure":null,"http_experiment_failure":null,
        "dns_consistency":"inconsistent","blocking":"dns","accessible":false,"body_length_match":false}}
      """;

  @Test
  void readsTheClassicShapeWithItsOddities() {
    Read r = assertInstanceOf(Read.class, OoniMeasurementReader.read(CLASSIC));
    Measurement m = r.measurement();
    assertEquals("http://a.example/", m.input());
    assertEquals("2019-08-01 10:00:00", m.testStartTime(), "a null test_start_time falls back to the measurement's");
    assertEquals(Map.of("network_type", "wifi", "flag", "true"), m.annotations());
    assertEquals(new OoniMeasurementReader.OoniVerdict(Blocking.method("dns"), false, "inconsistent"), r.recorded());
    TestKeys k = m.testKeys();
    assertNull(k.xVerdict(), "analysis keys are kuzet's to fill");
    assertNull(k.blocking());
    DnsQuery q = k.queries().get(0);
    assertEquals("system", q.engine());
    assertEquals(List.of(DnsAnswer.cname("edge.example.", 0), DnsAnswer.a("10.10.34.34", 300, true)), q.answers(),
        "bogons are marked as kuzet's DNS step marks them; an MX answer says nothing about where the site is");
    assertEquals(1, k.tcpConnect().size(), "a connect without a port is dropped, not the measurement");
    assertNull(k.tcpConnect().get(0).status().blocked());
    HttpTransaction.Response resp = k.requests().get(0).response();
    assertEquals(63, resp.xBodyLength(), "the body's bytes as sent (windows-1251), not its decoded text");
    assertEquals("connection_refused_error", k.control().tcpConnect().get("10.10.34.34:80").failure());
    assertNull(k.controlFailure());
  }

  /** OONI Probe LTE (web_connectivity 0.5), as the QA files hold it: requests most recent first, depth tags. */
  private static final String LTE = """
      {"test_name":"web_connectivity","test_version":"0.5.28","input":"https://b.example/",
       "measurement_start_time":"2024-02-12 20:33:47","probe_asn":"AS137","probe_cc":"IT","report_id":"",
       "test_keys":{
        "queries":[{"engine":"getaddrinfo","hostname":"b.example","query_type":"ANY","resolver_address":"",
            "answers":null,"failure":"android_dns_cache_no_data","tags":["classic","depth=0"],"transaction_id":1},
          {"engine":"doh","resolver_address":"https://dns.google/dns-query","hostname":"b.example","query_type":"A",
            "answers":[{"answer_type":"A","ipv4":"93.184.216.34","ttl":null,"asn":15133,"as_org_name":"E"}],
            "failure":null,"t0":0.1,"t":0.2}],
        "tcp_connect":[{"ip":"93.184.216.34","port":443,"status":{"success":true,"failure":null},"transaction_id":5},
          {"ip":"93.184.216.35","port":443,"status":{"success":false,"failure":"some new error"},"transaction_id":6}],
        "tls_handshakes":[{"address":null,"server_name":"b.example","failure":null,"peer_certificates":null,
            "transaction_id":5}],
        "requests":[
          {"address":"93.184.216.34:443","failure":null,"request":{"url":"https://c.example/","headers_list":[]},
           "response":{"code":200,"body":"<title>Final page</title>","headers_list":[["Server","a"],["Server","b"]]},
           "tags":["depth=1"]},
          {"address":"93.184.216.34:443","failure":null,"request":{"url":"https://b.example/"},
           "response":{"code":302,"body":null,"headers":{"Location":"https://c.example/"}},"tags":["depth=0"]}],
        "control":{"dns":{"failure":null,"addrs":["93.184.216.34"]}},"control_failure":null,
        "dns_experiment_failure":"android_dns_cache_no_data","http_experiment_failure":null,
        "blocking":false,"accessible":true,"dns_consistency":"consistent"}}
      """;

  @Test
  void readsTheLteShape() {
    Read r = assertInstanceOf(Read.class, OoniMeasurementReader.read(LTE));
    TestKeys k = r.measurement().testKeys();
    assertEquals("AS137", r.measurement().probeAsn());
    assertTrue(r.measurement().measurementUid().startsWith("imported-"), "no measurement_uid: one from the line");
    assertEquals("system", k.queries().get(0).engine(), "getaddrinfo is the machine's own resolver");
    assertEquals(Failures.ANDROID_DNS_CACHE_NO_DATA, k.queries().get(0).failure());
    assertEquals(Failures.ANDROID_DNS_CACHE_NO_DATA, k.dnsExperimentFailure());
    assertEquals("unknown_failure: some new error", k.tcpConnect().get(1).status().failure());
    assertEquals("93.184.216.34:443", k.tlsHandshakes().get(0).address(), "address taken from its TCP connect");
    assertEquals(List.of("https://b.example/", "https://c.example/"),
        k.requests().stream().map(t -> t.request().url()).toList(), "put back in the order they happened");
    assertEquals(List.of(0, 1), k.requests().stream().map(HttpTransaction::xHop).toList());
    HttpTransaction last = k.requests().get(1);
    assertEquals("93.184.216.34:443", last.xAddress());
    assertEquals("Final page", last.response().xTitle());
    assertEquals(Map.of("Server", "a"), last.response().headers(), "first value of each header, from the list");
    assertEquals(new OoniMeasurementReader.OoniVerdict(Blocking.NONE, true, "consistent"), r.recorded());
  }

  @Test
  void aFetchThatNeverConnectedBecomesTheFailedRequestKuzetWouldRecord() {
    String noRequest = LTE.replace("\"requests\":[", "\"requests\":[],\"x\":[")
        .replace("\"http_experiment_failure\":null", "\"http_experiment_failure\":\"connection_reset\"");
    TestKeys k = ((Read) OoniMeasurementReader.read(noRequest)).measurement().testKeys();
    assertEquals(1, k.requests().size());
    HttpTransaction tx = k.requests().get(0);
    assertEquals("https://b.example/", tx.request().url());
    assertEquals(Failures.CONNECTION_RESET, tx.failure());
    assertNull(tx.xAddress(), "no connection was made");

    // After a redirect the failed request is the redirect's target, one hop further.
    String redirectOnly = LTE.replaceFirst("(?s)\\{\"address\":\"93.184.216.34:443\",\"failure\":null,\"request\":\\{\"url\":"
        + "\"https://c.example/\".*?\"tags\":\\[\"depth=1\"\\]\\},", "")
        .replace("\"http_experiment_failure\":null", "\"http_experiment_failure\":\"generic_timeout_error\"");
    k = ((Read) OoniMeasurementReader.read(redirectOnly)).measurement().testKeys();
    assertEquals(2, k.requests().size(), redirectOnly);
    assertEquals("https://c.example/", k.requests().get(1).request().url());
    assertEquals(1, k.requests().get(1).xHop());
    assertEquals(Failures.GENERIC_TIMEOUT, k.requests().get(1).failure());
  }

  @Test
  void requestsWithoutTagsAreMostRecentFirst() {
    String untagged = LTE.replace(",\"tags\":[\"depth=1\"]", "").replace(",\"tags\":[\"depth=0\"]", "");
    TestKeys k = ((Read) OoniMeasurementReader.read(untagged)).measurement().testKeys();
    assertEquals(List.of("https://b.example/", "https://c.example/"),
        k.requests().stream().map(t -> t.request().url()).toList());
  }

  @Test
  void readsKuzetsOwnLineExactly() {
    DnsQuery q = new DnsQuery("system", "127.0.0.53:53", "d.example", "A", 0,
        List.of(DnsAnswer.a("127.0.1.5", 60, false)), null, 7, 0.001, 0.02, List.of(), null);
    TcpConnect tcp = new TcpConnect("127.0.1.5", 80, new TcpConnect.Status(true, null, null), 0.02, 0.03);
    HttpTransaction http = new HttpTransaction(new HttpTransaction.Request("GET", "http://d.example/", Map.of(), "",
        "tcp"), new HttpTransaction.Response(200, Map.of(), List.of(), "<title>t</title>", false, 16, "t"), null,
        0.03, 0.04, "127.0.1.5:80", 0);
    Measurement m = new Measurement("uid-1", "r", "http://d.example/", "2026-11-22 10:10:10", "2026-11-22 10:10:10",
        "AS0", "ZZ", "kuzet", "0.1.0", Measurement.TEST_NAME, "0.1.0", 1, "0.2.0", Map.of(),
        TestKeys.observations(List.of(q), List.of(tcp), List.of(), List.of(http), null));
    Read r = assertInstanceOf(Read.class, OoniMeasurementReader.read(MeasurementJson.toLine(m)));
    assertEquals(m, r.measurement(), "kuzet's own line maps back exactly, x_ keys included");
  }

  @Test
  void otherTestsAreSkipped() {
    Skipped s = assertInstanceOf(Skipped.class, OoniMeasurementReader.read(
        "{\"test_name\":\"dnscheck\",\"input\":\"dot://1.1.1.1/\",\"test_keys\":{}}"));
    assertEquals("dnscheck", s.testName());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{not json | not JSON",
      "[1,2] | not a JSON object",
      "{\"input\":\"http://a/\"} | no test_name",
      "{\"test_name\":\"web_connectivity\",\"measurement_start_time\":\"2024-01-01 00:00:00\",\"test_keys\":{}}"
          + " | no input",
      "{\"test_name\":\"web_connectivity\",\"input\":\"http://a/\",\"test_keys\":{}} | no measurement_start_time",
      "{\"test_name\":\"web_connectivity\",\"input\":\"http://a/\",\"measurement_start_time\":\"2024-01-01T00:00Z\","
          + "\"test_keys\":{}} | is not YYYY-MM-DD hh:mm:ss",
      "{\"test_name\":\"web_connectivity\",\"input\":\"http://a/\",\"measurement_start_time\":\"2024-01-01 00:00:00\""
          + ",\"test_keys\":null} | no test_keys object"})
  void badLinesSayWhatIsWrong(String line, String problem) {
    Bad b = assertInstanceOf(Bad.class, OoniMeasurementReader.read(line));
    assertTrue(b.problem().contains(problem), b.problem());
  }

  /** df-008 as OONI Probe writes it: older events have only {@code t}; odd entries cost only themselves. */
  @Test
  void readsNetworkEvents() {
    String line = """
        {"test_name":"web_connectivity","input":"https://e.example/","measurement_start_time":"2024-01-01 00:00:00",
         "probe_asn":"AS9198","probe_cc":"KZ",
         "test_keys":{"queries":[],"tcp_connect":[],"tls_handshakes":[],"requests":[],
          "network_events":[
            {"address":"93.184.216.34:443","conn_id":7,"failure":null,"num_bytes":517,"operation":"write",
             "proto":"tcp","t0":0.10,"t":0.11,"tags":["depth=0"],"transaction_id":3},
            {"address":"93.184.216.34:443","failure":"connection_reset","operation":"read","proto":"tcp","t":0.2},
            {"address":"93.184.216.34:443","failure":"an odd one","operation":"close","t":0.3,"num_bytes":-4},
            {"failure":null,"t":0.4},
            7]}}
        """;
    Read r = assertInstanceOf(Read.class, OoniMeasurementReader.read(line));
    List<NetworkEvent> events = r.measurement().testKeys().networkEvents();
    assertEquals(List.of(
        new NetworkEvent("write", "93.184.216.34:443", "tcp", 517L, null, 0.10, 0.11, 3, List.of("depth=0")),
        new NetworkEvent("read", "93.184.216.34:443", "tcp", null, "connection_reset", 0.2, 0.2, null, List.of()),
        new NetworkEvent("close", "93.184.216.34:443", null, null, "unknown_failure: an odd one", 0.3, 0.3, null,
            List.of())), events);
  }

  @Test
  void oddShapesCostOnlyTheirOwnEntries() {
    String odd = """
        {"test_name":"web_connectivity","input":"http://e.example/","measurement_start_time":"2024-01-01 00:00:00",
         "probe_asn":"9198","probe_cc":"kz","test_runtime":-1,
         "test_keys":{"queries":"none","tcp_connect":[null,7,{"ip":"1.2.3.4","port":"x"}],"tls_handshakes":[{}],
          "requests":[{"request":null},{"request":{"url":"http://e.example/","body":{"format":"hex","data":"00"}},
            "response":{"code":0,"body":null},"failure":"unknown_failure stopped"}],
          "control":"unreachable","dns_experiment_failure":"nope"}}
        """;
    Read r = assertInstanceOf(Read.class, OoniMeasurementReader.read(odd));
    Measurement m = r.measurement();
    assertEquals("AS0", m.probeAsn());
    assertEquals("ZZ", m.probeCc());
    assertEquals(0, m.testRuntime());
    TestKeys k = m.testKeys();
    assertEquals(List.of(), k.queries());
    assertEquals(List.of(), k.tcpConnect());
    assertEquals(List.of(), k.tlsHandshakes());
    assertEquals(1, k.requests().size());
    assertNull(k.requests().get(0).response().code(), "code 0 is OONI's 'no response'");
    assertEquals("unknown_failure: stopped", k.requests().get(0).failure());
    assertNull(k.control());
    assertEquals("unknown_failure: control is not a JSON object", k.controlFailure());
    assertEquals("unknown_failure: nope", k.dnsExperimentFailure());
  }

  @Test
  void duplicateUdpResponsesBecomeExtraReplies() {
    String injected = LTE.replace("\"control\":{", "\"x_dns_duplicate_responses\":[{\"engine\":\"udp\","
        + "\"resolver_address\":\"1.1.1.1:53\",\"hostname\":\"b.example\",\"query_type\":\"A\","
        + "\"answers\":[{\"answer_type\":\"A\",\"ipv4\":\"93.184.216.34\"}]}],"
        + "\"control\":{").replace("\"queries\":[", "\"queries\":[{\"engine\":\"udp\","
        + "\"resolver_address\":\"1.1.1.1:53\",\"hostname\":\"b.example\",\"query_type\":\"A\","
        + "\"answers\":[{\"answer_type\":\"A\",\"ipv4\":\"10.10.34.36\"}]},");
    DnsQuery udp = ((Read) OoniMeasurementReader.read(injected)).measurement().testKeys().queries().get(0);
    assertEquals("udp", udp.engine());
    assertEquals(List.of(DnsAnswer.a("10.10.34.36", 0, true)), udp.answers(), "the first reply: the lie");
    assertEquals(List.of(List.of(DnsAnswer.a("93.184.216.34", 0, false))), udp.xExtraReplies());
  }
}
