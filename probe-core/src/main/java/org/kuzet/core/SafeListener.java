package org.kuzet.core;

import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TlsHandshake;

/** Enforces the listener contract: a listener that throws anyway cannot break a measurement. */
public final class SafeListener implements ProbeEventListener {
  private final ProbeEventListener delegate;

  private SafeListener(ProbeEventListener delegate) {
    this.delegate = delegate;
  }

  public static ProbeEventListener wrap(ProbeEventListener l) {
    return l == ProbeEventListener.NONE || l instanceof SafeListener ? l : new SafeListener(l);
  }

  private static void guard(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // Contract violation by the listener; the measurement matters more than its observer.
    }
  }

  @Override public void measurementStart(String input) { guard(() -> delegate.measurementStart(input)); }
  @Override public void measurementEnd(Measurement m) { guard(() -> delegate.measurementEnd(m)); }
  @Override public void dnsStart(String e, String h, String t) { guard(() -> delegate.dnsStart(e, h, t)); }
  @Override public void dnsEnd(DnsQuery q) { guard(() -> delegate.dnsEnd(q)); }
  @Override public void tcpStart(String ep) { guard(() -> delegate.tcpStart(ep)); }
  @Override public void tcpEnd(TcpConnect c) { guard(() -> delegate.tcpEnd(c)); }
  @Override public void tlsStart(String ep, String sn) { guard(() -> delegate.tlsStart(ep, sn)); }
  @Override public void tlsEnd(TlsHandshake h) { guard(() -> delegate.tlsEnd(h)); }
  @Override public void httpStart(String url, int hop) { guard(() -> delegate.httpStart(url, hop)); }
  @Override public void httpEnd(HttpTransaction tx) { guard(() -> delegate.httpEnd(tx)); }
}
