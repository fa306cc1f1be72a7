package org.kuzet.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TlsHandshake;

/**
 * Keeps every event as one line ("tcpEnd 127.0.1.7:8443 connection_refused"), in the order they arrived, so a
 * test can check that each step's start is paired with its end and that the end carries the step's record.
 */
public final class RecordingListener implements ProbeEventListener {
  private final List<String> events = new ArrayList<>();

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Events starting with {@code prefix}, e.g. "tcpEnd". */
  public synchronized List<String> events(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix + " ") || e.equals(prefix)).toList();
  }

  private synchronized void add(String event) {
    events.add(event);
  }

  @Override public void measurementStart(String input) { add("measurementStart " + input); }
  @Override public void measurementEnd(Measurement m) { add("measurementEnd " + m.input()); }
  @Override public void dnsStart(String engine, String hostname, String type) {
    add("dnsStart " + engine + " " + hostname + " " + type);
  }
  @Override public void dnsEnd(DnsQuery q) {
    add("dnsEnd " + q.engine() + " " + q.hostname() + " " + q.queryType() + " " + q.failure());
  }
  @Override public void tcpStart(String endpoint) { add("tcpStart " + endpoint); }
  @Override public void tcpEnd(TcpConnect c) { add("tcpEnd " + c.endpoint() + " " + c.status().failure()); }
  @Override public void tlsStart(String endpoint, String sni) { add("tlsStart " + endpoint + " " + sni); }
  @Override public void tlsEnd(TlsHandshake h) { add("tlsEnd " + h.address() + " " + h.failure()); }
  @Override public void httpStart(String url, int hop) { add("httpStart " + hop + " " + url); }
  @Override public void httpEnd(HttpTransaction tx) {
    add("httpEnd " + tx.xHop() + " " + tx.request().url() + " " + tx.failure());
  }
}
