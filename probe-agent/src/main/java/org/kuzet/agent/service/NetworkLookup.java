package org.kuzet.agent.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.identity.IpDatabase;
import org.kuzet.core.identity.StunClient;

/**
 * The network identity step of a run, shared by {@code kuzet run --once}, {@code kuzet measure} and the service's
 * runs: look the network up once (STUN + resolver whoami, mapped offline; see {@link IdentityLookup}), say on
 * the run's log what was found or why not (never an address), and return the result, whose identity the run's
 * settings then carry ({@link IdentityLookup.Result#applyTo}). The result also holds the public address, in
 * memory, for the run's own use; drop it when the run ends.
 */
public final class NetworkLookup {
  private NetworkLookup() {}

  /** The lookup {@code [probe]} (or the command line, merged into it) asks for. */
  public static IdentityLookup of(KuzetConfig.Probe probe) {
    IdentityLookup.Options options = new IdentityLookup.Options(probe.lookup(), probe.stunServers(),
        StunClient.DEFAULT_TIMEOUT, probe.asn(), probe.cc());
    return new IdentityLookup(options, database(probe.ipDatabase()));
  }

  /** The shipped table, or the file {@code [probe] ip_database} names (read at each lookup). */
  static Supplier<IpDatabase> database(Path file) {
    if (file == null) {
      return IpDatabase::bundled;
    }
    return () -> {
      try (InputStream in = Files.newInputStream(file)) {
        return IpDatabase.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("[probe] ip_database " + file + ": " + e.getMessage(), e);
      }
    };
  }

  /**
   * Looks the network up for a run with {@code settings} and reports it on {@code log} as {@code who: network …}.
   * Nothing is printed when the lookup is off and nothing is overridden.
   */
  public static IdentityLookup.Result forRun(IdentityLookup lookup, ProbeSettings settings, PrintWriter log,
      String who) throws InterruptedException {
    return forRun(lookup, settings, log, who, Messages.english());
  }

  /**
   * {@link #forRun(IdentityLookup, ProbeSettings, PrintWriter, String)} with the line in the volunteer's language
   * (the network's number, name and country stay as they are).
   */
  public static IdentityLookup.Result forRun(IdentityLookup lookup, ProbeSettings settings, PrintWriter log,
      String who, Messages messages) throws InterruptedException {
    IdentityLookup.Result r = lookup.lookup(settings);
    IdentityLookup.Options o = lookup.options();
    if (o.enabled() || o.asn() != null || o.cc() != null) {
      for (IdentityLookup.Note note : r.reasons()) {
        log.println(who + ": " + messages.get("network.note." + note.kind().name().toLowerCase(java.util.Locale.ROOT),
            note.detail()));
      }
      log.println(who + ": " + (o.enabled()
          ? messages.get("network.found", r.identity().describe(), r.identity().resolverAsn())
          : messages.get("network.given", r.identity().describe())));
      log.flush();
    }
    return r;
  }
}
