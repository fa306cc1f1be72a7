package org.kuzet.core.step;

import java.util.ArrayList;
import java.util.List;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.Observations;

/**
 * The df-008 network events of one measurement, as the steps record them (TCP connect, TLS handshake, the HTTP
 * step's connection and transaction). Bounded: the first {@link Observations#MAX_NETWORK_EVENTS} are kept and the
 * rest only counted, so a long redirect chain or many endpoints cannot grow a measurement without limit.
 * Thread-safe: the steps of a measurement run concurrently.
 */
public final class NetworkEventLog {
  private final int cap;
  private final List<NetworkEvent> events = new ArrayList<>();
  private int dropped;

  private NetworkEventLog(int cap) {
    this.cap = cap;
  }

  /** A log of at most {@link Observations#MAX_NETWORK_EVENTS} events. */
  public static NetworkEventLog bounded() {
    return new NetworkEventLog(Observations.MAX_NETWORK_EVENTS);
  }

  /** A log that keeps nothing, for steps whose events no measurement records (e.g. connectivity checks). */
  public static NetworkEventLog discarding() {
    return new NetworkEventLog(0);
  }

  public synchronized void add(NetworkEvent e) {
    if (events.size() < cap) {
      events.add(e);
    } else {
      dropped++;
    }
  }

  /** The events kept, in the order they were recorded. */
  public synchronized List<NetworkEvent> events() {
    return List.copyOf(events);
  }

  /** How many events were not kept because the log was full. */
  public synchronized int dropped() {
    return dropped;
  }
}
