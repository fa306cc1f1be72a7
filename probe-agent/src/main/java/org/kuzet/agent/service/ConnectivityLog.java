package org.kuzet.agent.service;

import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;

/**
 * Where the outage timeline goes: the real one is the results store (openConnectivityEvent when a state begins,
 * closeConnectivityEvent when it ends). Called from the service's threads one at a time; must not throw for
 * ordinary I/O trouble (log it instead), since losing the service over a timeline row would be worse.
 */
public interface ConnectivityLog {
  ConnectivityLog NONE = new ConnectivityLog() {};

  /** A state began: {@code event} is open (no end yet). */
  default void opened(ConnectivityEvent event, ConnectivityCheck evidence) {}

  /** The state that began at {@code event.start()} ended at {@code event.end()}. */
  default void closed(ConnectivityEvent event) {}
}
