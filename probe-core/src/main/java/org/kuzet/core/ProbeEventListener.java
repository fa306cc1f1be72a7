package org.kuzet.core;

import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TlsHandshake;

/**
 * Observes the steps of measurements, for progress, logs and metrics. Each step has a paired start/end
 * callback; the end callback receives the step's record, which carries its timing and failure.
 *
 * <p>Contract (as OkHttp's EventListener): implementations are fast and never throw; they are called from
 * the measuring threads, concurrently. An exception thrown anyway is swallowed so it cannot corrupt a
 * measurement.
 */
public interface ProbeEventListener {
  ProbeEventListener NONE = new ProbeEventListener() {};

  default void measurementStart(String input) {}

  default void measurementEnd(Measurement measurement) {}

  default void dnsStart(String engine, String hostname, String queryType) {}

  default void dnsEnd(DnsQuery query) {}

  default void tcpStart(String endpoint) {}

  default void tcpEnd(TcpConnect connect) {}

  default void tlsStart(String endpoint, String serverName) {}

  default void tlsEnd(TlsHandshake handshake) {}

  default void httpStart(String url, int hop) {}

  default void httpEnd(HttpTransaction transaction) {}
}
