package org.kuzet.core.identity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.kuzet.core.ProbeSettings;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Names the network a run measures from, as OONI Probe does, without keeping any address: the public address by
 * STUN ({@link StunClient}), the system resolver's egress address by a "whoami" query through it
 * ({@code whoami.v4.powerdns.org}, answered with the address the query came from), both mapped offline with the
 * {@link IpDatabase}; then only the AS numbers, AS names and country are kept ({@link NetworkIdentity}).
 *
 * <p>One lookup per run (the service's runs each do their own, so a change of network between runs is seen).
 * Overrides ({@code --probe-asn}, {@code --probe-cc}, {@code [probe] asn/cc}) win over what was looked up; with
 * the lookup off nothing leaves the machine and the identity is {@code AS0}/{@code ZZ} unless overridden.
 *
 * <p>The public address is kept in memory by the {@link Result} only, for the run's own use (scrubbing it from
 * stored content): never logged, stored, exported or shown. Drop the result when the run ends.
 */
public final class IdentityLookup {
  /** OONI Probe's resolver lookup name (probe-cli internal/enginelocate/resolverlookup.go). */
  public static final String WHOAMI_NAME = "whoami.v4.powerdns.org";

  /**
   * What to look up.
   *
   * @param enabled false: no STUN and no whoami query (nothing leaves the machine for this)
   * @param stunServers {@code host:port}, tried in turn
   * @param asn override of the probe's AS ({@code AS9198}), or null
   * @param cc override of the probe's country ({@code KZ}), or null
   */
  public record Options(boolean enabled, List<String> stunServers, Duration stunTimeout, String asn, String cc) {
    public Options {
      stunServers = List.copyOf(stunServers);
      Objects.requireNonNull(stunTimeout, "stunTimeout");
      if (asn != null) {
        NetworkIdentity.requireAsn(asn, "probe ASN");
      }
      if (cc != null) {
        NetworkIdentity.requireCc(cc, "probe country");
      }
    }

    /** No lookup, no override: {@code AS0}/{@code ZZ}. */
    public static final Options OFF = new Options(false, List.of(), StunClient.DEFAULT_TIMEOUT, null, null);
  }

  /**
   * Why part of the identity is unknown: what happened ({@code kind}) and the failure's own words ({@code detail},
   * never an address; empty when there are none).
   */
  public record Note(Kind kind, String detail) {
    /** What went wrong in a lookup. */
    public enum Kind {
      IP_DATABASE_UNREADABLE, ADDRESS_IN_NO_AS, NO_STUN_ANSWER, WHOAMI_NO_ADDRESS, WHOAMI_FAILED
    }

    public Note {
      java.util.Objects.requireNonNull(kind, "kind");
      detail = detail == null ? "" : detail;
    }

    /** The note in English, as the log has always said it. */
    public String text() {
      return switch (kind) {
        case IP_DATABASE_UNREADABLE -> "network lookup: cannot read the IP database (" + detail + ")";
        case ADDRESS_IN_NO_AS -> "network lookup: the public address is in no AS the IP database knows";
        case NO_STUN_ANSWER -> "network lookup: no STUN server answered (" + detail + ")";
        case WHOAMI_NO_ADDRESS -> "network lookup: the resolver's whoami answer had no address";
        case WHOAMI_FAILED -> "network lookup: resolver whoami failed (" + detail + ")";
      };
    }
  }

  /**
   * One lookup's outcome: the identity to record, notes for the log (why something is unknown; never an
   * address), and the public address, in memory only.
   */
  public static final class Result implements Supplier<Optional<InetAddress>> {
    private final NetworkIdentity identity;
    private final List<Note> notes;
    private final InetAddress publicAddress;

    Result(NetworkIdentity identity, List<Note> notes, InetAddress publicAddress) {
      this.identity = identity;
      this.notes = List.copyOf(notes);
      this.publicAddress = publicAddress;
    }

    public NetworkIdentity identity() {
      return identity;
    }

    /** Why parts of the identity are unknown (no STUN answer, no whoami answer), in English; empty when all went well. */
    public List<String> notes() {
      return notes.stream().map(Note::text).toList();
    }

    /** {@link #notes()} as data, for saying them in the volunteer's language. */
    public List<Note> reasons() {
      return notes;
    }

    /**
     * The machine's public address as STUN reported it, for scrubbing it from content during this run. Never
     * persist, log or show it.
     */
    public Optional<InetAddress> publicAddress() {
      return Optional.ofNullable(publicAddress);
    }

    /** {@link #publicAddress()}: the result is the run's {@code Supplier<Optional<InetAddress>>}. */
    @Override
    public Optional<InetAddress> get() {
      return publicAddress();
    }

    /**
     * {@code settings} with this identity as the network every measurement records; the public address, when the
     * lookup found one, joins the addresses scrubbed from every measurement made with them (in memory only).
     */
    public ProbeSettings applyTo(ProbeSettings settings) {
      publicAddress().ifPresent(settings.probeAddresses()::addPublic);
      return settings.toBuilder().network(identity).build();
    }

    @Override
    public String toString() {
      return identity.describe(); // never the address
    }
  }

  private final Options options;
  private final Supplier<IpDatabase> database;
  private final String whoamiName;

  /** @param database loaded for each lookup and dropped after it (it is large and a run needs it once) */
  public IdentityLookup(Options options, Supplier<IpDatabase> database) {
    this(options, database, WHOAMI_NAME);
  }

  IdentityLookup(Options options, Supplier<IpDatabase> database, String whoamiName) {
    this.options = Objects.requireNonNull(options, "options");
    this.database = Objects.requireNonNull(database, "database");
    this.whoamiName = whoamiName;
  }

  public Options options() {
    return options;
  }

  /**
   * Looks the network up for a run with {@code settings}: its system resolvers are the ones asked "whoami" (the
   * OS's when the settings leave them unset), with its DNS timeout.
   */
  public Result lookup(ProbeSettings settings) throws InterruptedException {
    return lookup(settings.systemResolvers(), settings.dnsTimeout());
  }

  /** @param systemResolvers null: the OS's configured resolvers */
  public Result lookup(List<InetSocketAddress> systemResolvers, Duration dnsTimeout) throws InterruptedException {
    List<Note> notes = new ArrayList<>();
    if (!options.enabled()) {
      return new Result(overridden(NetworkIdentity.UNKNOWN, null), notes, null);
    }
    IpDatabase db;
    try {
      db = database.get();
    } catch (RuntimeException e) {
      notes.add(new Note(Note.Kind.IP_DATABASE_UNREADABLE, e.getMessage()));
      return new Result(overridden(NetworkIdentity.UNKNOWN, null), notes, null);
    }
    NetworkIdentity found = NetworkIdentity.UNKNOWN;
    InetAddress publicAddress = null;
    StunClient.Result stun = new StunClient(options.stunServers(), options.stunTimeout()).publicAddress();
    if (stun.address().isPresent()) {
      publicAddress = stun.address().get();
      IpDatabase.Match m = db.lookup(publicAddress);
      found = found.withProbe(m.asnText(), m.countryOrZz(), m.asName());
      if (m.asn() == 0) {
        notes.add(new Note(Note.Kind.ADDRESS_IN_NO_AS, ""));
      }
    } else {
      notes.add(new Note(Note.Kind.NO_STUN_ANSWER, String.valueOf(stun.failure())));
    }
    try {
      InetAddress resolver = whoami(systemResolvers, dnsTimeout);
      if (resolver != null) {
        IpDatabase.Match m = db.lookup(resolver);
        found = new NetworkIdentity(found.probeAsn(), found.probeCc(), found.probeNetworkName(), m.asnText(),
            m.asName());
      } else {
        notes.add(new Note(Note.Kind.WHOAMI_NO_ADDRESS, ""));
      }
    } catch (IOException e) {
      notes.add(new Note(Note.Kind.WHOAMI_FAILED, e.getMessage()));
    }
    return new Result(overridden(found, db), notes, publicAddress);
  }

  /** The overrides applied; an overridden AS takes its name from the database when one is at hand. */
  private NetworkIdentity overridden(NetworkIdentity id, IpDatabase db) {
    String asn = options.asn() != null ? options.asn() : id.probeAsn();
    String cc = options.cc() != null ? options.cc() : id.probeCc();
    String name = id.probeNetworkName();
    if (options.asn() != null && !options.asn().equals(id.probeAsn())) {
      name = db == null ? "" : db.asName(Long.parseLong(asn.substring(2)));
    }
    return id.withProbe(asn, cc, name);
  }

  /** The egress address of the first system resolver that answers the whoami name; null when none has one. */
  private InetAddress whoami(List<InetSocketAddress> systemResolvers, Duration timeout) throws IOException {
    List<InetSocketAddress> servers = systemResolvers != null ? systemResolvers
        : ResolverConfig.getCurrentConfig().servers();
    if (servers.isEmpty()) {
      throw new IOException("no system resolver configured");
    }
    IOException last = null;
    for (InetSocketAddress server : servers) {
      try {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromConstantString(whoamiName + "."),
            Type.A, DClass.IN)));
        if (answer.getRcode() != Rcode.NOERROR) {
          last = new IOException(Rcode.string(answer.getRcode()));
          continue;
        }
        for (Record rec : answer.getSection(Section.ANSWER)) {
          if (rec instanceof ARecord a) {
            return a.getAddress();
          }
        }
        return null;
      } catch (IOException e) {
        // The exception's own text may name addresses; say only what kind of failure it was.
        last = new IOException(e instanceof java.net.SocketTimeoutException ? "timed out"
            : e.getClass().getSimpleName());
      }
    }
    throw last;
  }
}
