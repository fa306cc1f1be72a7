package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import okhttp3.HttpUrl;
import org.kuzet.agent.config.ConfigException;
import org.kuzet.agent.config.ControlDefaults;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.service.NetworkLookup;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.identity.NetworkIdentity;
import org.kuzet.core.identity.StunClient;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.net.ProbeAddresses;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.core.tls.TrustStoreAudit;
import picocli.CommandLine.Option;

/** The flags that shape a measurement; shared by {@code kuzet measure} and {@code kuzet run}. */
public final class MeasurementOptions {
  @Option(names = "--resolver", paramLabel = "IP[:PORT]",
      description = "Also query this resolver over UDP and TCP (repeatable).")
  List<String> resolvers = new ArrayList<>();

  @Option(names = "--doh", paramLabel = "URL", description = "Also query this DNS-over-HTTPS endpoint (repeatable).")
  List<String> dohUrls = new ArrayList<>();

  @Option(names = "--system-resolver", paramLabel = "IP[:PORT]",
      description = "Use this as the system resolver instead of the one the OS is configured with.")
  String systemResolver;

  @Option(names = "--trust-roots", paramLabel = "PEM",
      description = "Trust these roots in addition to kuzet's bundled Mozilla roots (repeatable).")
  List<Path> trustRoots = new ArrayList<>();

  @Option(names = "--timeout-dns", paramLabel = "D", defaultValue = "4s", converter = DurationConverter.class,
      description = "Per DNS query (default: ${DEFAULT-VALUE}).")
  Duration dnsTimeout;

  @Option(names = "--timeout-connect", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
      description = "Per TCP connect (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--timeout-tls", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
      description = "Per TLS handshake (default: ${DEFAULT-VALUE}).")
  Duration tlsTimeout;

  @Option(names = "--timeout-http", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
      description = "Per HTTP request, body included (default: ${DEFAULT-VALUE}).")
  Duration httpTimeout;

  @Option(names = "--control", paramLabel = "URL",
      description = "Test helper (control) URL, OONI protocol; repeatable, tried in order (default: the config "
          + "file's [control] urls, else $KUZET_CONTROL, else OONI's public helpers).")
  List<String> controlUrls = new ArrayList<>();

  @Option(names = "--no-control", description = "Compare with no control: verdicts rest on local evidence only "
      + "(most are inconclusive), and no control request leaves this machine.")
  boolean noControl;

  @Option(names = "--timeout-control", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
      description = "Per control URL, the whole exchange (default: ${DEFAULT-VALUE}).")
  Duration controlTimeout;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "16",
      description = "URLs measured at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--probe-asn", paramLabel = "ASN",
      description = "This network's AS number, e.g. AS9198, recorded instead of the one looked up (default: the"
          + " config file's [probe] asn, else the lookup's).")
  String probeAsn;

  @Option(names = "--probe-cc", paramLabel = "CC",
      description = "This network's country, e.g. KZ, recorded instead of the one looked up (default: [probe] cc,"
          + " else the lookup's).")
  String probeCc;

  @Option(names = "--no-network-lookup", description = "Do not look up this network's AS and country (no STUN"
      + " request, no resolver 'whoami' query): measurements record AS0/ZZ unless --probe-asn/--probe-cc say.")
  boolean noNetworkLookup;

  @Option(names = "--stun-server", paramLabel = "HOST:PORT",
      description = "STUN server that tells this machine its public address, from which the AS and country are"
          + " looked up (repeatable, tried in order; default: [probe] stun_servers, else $KUZET_STUN, else the ones"
          + " OONI Probe uses).")
  List<String> stunServers = new ArrayList<>();

  // Tests: an IP table made by IpDatabaseWriter instead of the shipped one ([probe] ip_database in the config).
  @Option(names = "--ip-database", paramLabel = "FILE", hidden = true)
  Path ipDatabase;

  // For test networks built on private or loopback addresses only: lets the probe connect to those ranges as
  // if they were public. Hidden because a volunteer never needs it.
  @Option(names = "--treat-as-public", paramLabel = "CIDR", hidden = true)
  List<String> publicRanges = new ArrayList<>();

  // More of the volunteer's addresses to scrub from measurements, besides those kuzet finds itself (interfaces,
  // its own connections, the network-identity lookup). Hidden: tests give a loopback world's "public" address here.
  @Option(names = "--scrub-address", paramLabel = "IP", hidden = true)
  List<String> scrubAddresses = new ArrayList<>();

  // Where to look for known interception roots installed on this machine (default: the JVM's cacerts and
  // /etc/ssl/certs). Hidden: tests point it at a directory of their own.
  @Option(names = "--audit-trust-store", paramLabel = "PATH", hidden = true)
  List<Path> auditPaths = new ArrayList<>();

  /**
   * The network lookup of this run: the config file's {@code [probe]} (or the defaults without one) with these
   * flags over it. Bad values are a {@link UsageException} saying what to write.
   */
  IdentityLookup identityLookup(Optional<KuzetConfig> config) {
    return NetworkLookup.of(probe(config.map(KuzetConfig::probe).orElseGet(KuzetConfig.Probe::defaults)));
  }

  /**
   * {@code config} with these flags laid over it, as the one run factory ({@code agent.run.RunPlans}) takes it:
   * {@code --resolver} replaces {@code [network] resolvers}, {@code --control}/{@code --no-control} replace
   * {@code [control] urls}, the {@code --probe-*}, {@code --stun-server} and lookup flags replace {@code [probe]}.
   * Bad values are a {@link UsageException}.
   */
  KuzetConfig overlay(KuzetConfig config) {
    List<InetSocketAddress> extra = new ArrayList<>();
    for (String r : resolvers) {
      extra.add(endpoint("--resolver", r));
    }
    return new KuzetConfig(config.targets(), config.schedule(), config.campaigns(),
        extra.isEmpty() ? config.resolvers() : extra, controls(config.controlUrls()), config.upload(),
        config.database(), config.metricsListen(), config.heartbeat(), config.connectivity(), config.retention(),
        probe(config.probe()));
  }

  /** {@code [probe]} of {@code base} with the flags over it. */
  private KuzetConfig.Probe probe(KuzetConfig.Probe base) {
    if (noNetworkLookup && !stunServers.isEmpty()) {
      throw new UsageException(Text.of("flags.chooseOne", "--no-network-lookup",
          "--stun-server " + stunServers.get(0)));
    }
    for (String s : stunServers) {
      try {
        StunClient.endpoint(s);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--stun-server " + e.getMessage());
      }
    }
    String asn = probeAsn == null ? base.asn() : checked("--probe-asn", probeAsn, NetworkIdentity::requireAsn);
    String cc = probeCc == null ? base.cc() : checked("--probe-cc", probeCc, NetworkIdentity::requireCc);
    boolean lookup = noNetworkLookup ? false : !stunServers.isEmpty() || base.lookup();
    List<String> servers = stunServers.isEmpty() ? base.stunServers() : stunServers;
    if (lookup && servers.isEmpty()) {
      servers = StunClient.OONI_SERVERS;
    }
    return new KuzetConfig.Probe(lookup, servers, asn, cc, ipDatabase != null ? ipDatabase : base.ipDatabase());
  }

  private static String checked(String flag, String value, BiFunction<String, String, String> check) {
    try {
      return check.apply(value, flag);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * Warns on {@code err} for each known interception root found in this machine's own trust stores: kuzet does
   * not use them, but the volunteer's browser does, so the volunteer should know.
   */
  void warnAboutInstalledInterceptionRoots(PrintWriter err, org.kuzet.agent.i18n.Messages m) {
    List<Path> paths = auditPaths.isEmpty() ? TrustStoreAudit.defaultPaths() : auditPaths;
    for (TrustStoreAudit.Finding f : TrustStoreAudit.scan(paths.toArray(Path[]::new))) {
      err.println(m.get(f.root().counts() ? "warning.trustsInterceptionRoot" : "warning.trustsWatchedRoot",
          f.root().name(), f.root().subject().getName(),
          f.source() + (f.entry() == null ? "" : " [" + f.entry() + "]")));
    }
    err.flush();
  }

  /** {@link #toSettings(ProbeEventListener, List)} with no config file. */
  ProbeSettings toSettings(ProbeEventListener listener) {
    return toSettings(listener, null);
  }

  /**
   * The controls to use: none with --no-control, else --control, else the config file's (already defaulted),
   * else {@link ControlDefaults}.
   */
  List<String> controls(List<String> configured) {
    if (noControl) {
      if (!controlUrls.isEmpty()) {
        throw new UsageException(Text.of("flags.chooseOne", "--no-control", "--control " + controlUrls.get(0)));
      }
      return List.of();
    }
    if (!controlUrls.isEmpty()) {
      return controlUrls;
    }
    if (configured != null) {
      return configured;
    }
    try {
      return ControlDefaults.urls();
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Validates every flag and builds the settings; bad values become a {@link UsageException}.
   *
   * @param configured the config file's control URLs, or null without a config file
   */
  ProbeSettings toSettings(ProbeEventListener listener, List<String> configured) {
    List<String> controls = controls(configured);
    List<InetSocketAddress> extra = new ArrayList<>();
    for (String r : resolvers) {
      extra.add(endpoint("--resolver", r));
    }
    return tuning(listener).resolvers(extra).controlUrls(controls).build();
  }

  /**
   * Validates every flag and returns the settings they make, without resolvers and control URLs (which
   * {@link #overlay} merges into the config); bad values become a {@link UsageException}.
   */
  ProbeSettings.Builder tuning(ProbeEventListener listener) {
    if (parallel < 1 || parallel > 1024) {
      throw new UsageException(Text.of("flags.parallel", parallel));
    }
    for (String u : dohUrls) {
      HttpUrl url = HttpUrl.parse(u);
      if (url == null || !url.isHttps()) {
        throw new UsageException(Text.of("flags.notHttps", "--doh " + u));
      }
    }
    for (String u : controlUrls) {
      HttpUrl url = HttpUrl.parse(u);
      if (url == null) {
        throw new UsageException(Text.of("flags.notHttp", "--control " + u));
      }
    }
    List<Cidr> ranges = new ArrayList<>();
    for (String c : publicRanges) {
      try {
        ranges.add(Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--treat-as-public " + c + ": " + e.getMessage());
      }
    }
    ProbeAddresses own = ProbeAddresses.system();
    for (String a : scrubAddresses) {
      try {
        own.addPublic(IpLiterals.parse(a));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--scrub-address " + a + ": " + e.getMessage());
      }
    }
    TrustRoots roots;
    try {
      roots = TrustRoots.bundled().plusPemFiles(trustRoots);
    } catch (IOException e) {
      throw new UsageException("--trust-roots: " + e.getMessage(), e);
    }
    return ProbeSettings.builder()
        .dnsTimeout(dnsTimeout)
        .connectTimeout(connectTimeout)
        .tlsTimeout(tlsTimeout)
        .httpTimeout(httpTimeout)
        .dohUrls(dohUrls)
        .systemResolvers(systemResolver == null ? null : List.of(endpoint("--system-resolver", systemResolver)))
        .trustRoots(roots)
        .addressPolicy(ranges.isEmpty() ? AddressPolicy.STANDARD : AddressPolicy.publicRanges(ranges))
        .parallelism(parallel)
        .controlTimeout(controlTimeout)
        .listener(listener)
        .probeAddresses(own);
  }

  private static InetSocketAddress endpoint(String flag, String value) {
    try {
      return IpLiterals.parseEndpoint(value, 53);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + " " + value + ": " + e.getMessage());
    }
  }
}
