package org.kuzet.agent.service;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.Scrubber;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.identity.NetworkIdentity;
import org.kuzet.schema.Measurement;

/**
 * The service's network identity, kept current within a run. A run looks the network up when it starts ({@link
 * #forRun}, as {@link NetworkLookup#forRun}); when the connectivity check then sees the state change back to a
 * working network (offline → online, no local network → online, online → domestic only …: the outage timeline
 * opens a new event, see {@link #watching}), the network is looked up again before the next measurement is stored
 * ({@link #stored}), so a laptop that moved from home Wi-Fi to a phone's hotspot is attributed to the right ASN.
 *
 * <p>A measurement that started at or after the check that saw a change carries the identity looked up after the
 * latest such change; earlier ones keep the run's. Its ids are kept (a measurement_uid names the country the run started in). The public
 * address a later lookup learns is scrubbed from every measurement stored after it, as the run's own is (it is also
 * handed to the run's {@link org.kuzet.core.net.ProbeAddresses}, so later measurements are scrubbed at the source),
 * and, like it, never logged or kept. While the network is in an outage state nothing is looked up: there is
 * nothing to reach, and the measurements are {@code offline} anyway.
 *
 * <p>Thread-safe: the service's loop reports state changes, the run's sink stores measurements.
 */
public final class IdentityWatch {
  private static final DateTimeFormatter OONI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The current run's lookup, repeated as it was made. */
  private record RunLookup(IdentityLookup lookup, ProbeSettings settings, PrintWriter log, String who) {}

  private RunLookup run;
  /** When a check saw the network change to a working state; null when nothing changed since the last lookup. */
  private Instant changeSeen;
  /** Identities looked up after changes, by the time the change was seen; a measurement takes the latest before it. */
  private final TreeMap<Instant, NetworkIdentity> changes = new TreeMap<>();
  /** Public addresses learned by lookups after a change, scrubbed from what is stored. */
  private final Set<InetAddress> learned = new LinkedHashSet<>();
  /** The language of the lookup's line on the log. */
  private final Messages messages;

  /** A watch whose lookup lines are in English. */
  public IdentityWatch() {
    this(Messages.english());
  }

  /** A watch whose lookup lines are in {@code messages}' language. */
  public IdentityWatch(Messages messages) {
    this.messages = java.util.Objects.requireNonNull(messages, "messages");
  }

  /** The language this watch's lines are in (the run's other lines follow it). */
  public Messages messages() {
    return messages;
  }

  /** {@code timeline}, with every new connectivity state also reported to this watch. */
  public ConnectivityLog watching(ConnectivityLog timeline) {
    return new ConnectivityLog() {
      @Override
      public void opened(ConnectivityEvent event, ConnectivityCheck evidence) {
        try {
          timeline.opened(event, evidence);
        } finally {
          stateChanged(event, evidence);
        }
      }

      @Override
      public void closed(ConnectivityEvent event) {
        timeline.closed(event);
      }
    };
  }

  private synchronized void stateChanged(ConnectivityEvent event, ConnectivityCheck evidence) {
    if (!event.state().isOutage()) {
      changeSeen = evidence.at(); // a working network again, maybe another one
    }
  }

  /** The run's lookup ({@link NetworkLookup#forRun}); what a previous run learned is forgotten. */
  public synchronized IdentityLookup.Result forRun(IdentityLookup lookup, ProbeSettings settings, PrintWriter log,
      String who) throws InterruptedException {
    IdentityLookup.Result r = NetworkLookup.forRun(lookup, settings, log, who, messages);
    run = new RunLookup(lookup, settings, log, who);
    changeSeen = null;
    changes.clear();
    learned.clear();
    return r;
  }

  /**
   * {@code m} as it is stored: after a change of network, the network is looked up again (once), and {@code m}
   * carries the new identity when it started after the change; scrubbed of the addresses learned since.
   */
  public synchronized Measurement stored(Measurement m) {
    if (run == null) {
      return m;
    }
    if (changeSeen != null && run.lookup().options().enabled()) {
      Instant seen = changeSeen;
      changeSeen = null;
      try {
        IdentityLookup.Result r = NetworkLookup.forRun(run.lookup(), run.settings(), run.log(),
            run.who() + " (network changed)", messages);
        r.publicAddress().ifPresent(a -> {
          learned.add(a);
          run.settings().probeAddresses().addPublic(a);
        });
        changes.put(seen.truncatedTo(ChronoUnit.SECONDS), r.identity()); // start times are whole seconds
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stopping: the run's identity stands
      }
    }
    Measurement out = m;
    Map.Entry<Instant, NetworkIdentity> changed = changes.floorEntry(start(m));
    if (changed != null) {
      NetworkIdentity n = changed.getValue();
      out = out.withNetwork(n.probeAsn(), n.probeCc(), n.probeNetworkName(), n.resolverAsn(), n.resolverNetworkName());
    }
    return learned.isEmpty() ? out : new Scrubber(learned).scrub(out);
  }

  private static Instant start(Measurement m) {
    return LocalDateTime.parse(m.measurementStartTime(), OONI_TIME).toInstant(ZoneOffset.UTC);
  }
}
