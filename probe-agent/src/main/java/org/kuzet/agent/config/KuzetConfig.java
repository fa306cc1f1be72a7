package org.kuzet.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.kuzet.core.connectivity.Anchor;

/**
 * The background agent's configuration, typed and immutable; read by {@link ConfigLoader}. The file format and
 * every key are documented in the README ("Running as a service") and {@code deploy/kuzet.example.conf}.
 *
 * @param metricsListen loopback address of the /metrics endpoint, or null when metrics are off
 * @param retention how long measurements are kept, or null to keep them for ever (the default)
 * @param probe how the network a run measures from is named ({@code [probe]})
 * @param messengers when the service also checks WhatsApp, Telegram and Signal ({@code [messengers]})
 * @param collector {@code kuzet collector}'s settings ({@code [collector]}), where its flags do not say
 */
public record KuzetConfig(
    TargetSelection targets,
    Schedule schedule,
    List<Campaign> campaigns,
    List<InetSocketAddress> resolvers,
    List<String> controlUrls,
    Upload upload,
    Path database,
    InetSocketAddress metricsListen,
    Heartbeat heartbeat,
    Connectivity connectivity,
    Duration retention,
    Probe probe,
    Messengers messengers,
    Collector collector) {

  /** A config without {@code [collector]} settings. */
  public KuzetConfig(TargetSelection targets, Schedule schedule, List<Campaign> campaigns,
      List<InetSocketAddress> resolvers, List<String> controlUrls, Upload upload, Path database,
      InetSocketAddress metricsListen, Heartbeat heartbeat, Connectivity connectivity, Duration retention,
      Probe probe, Messengers messengers) {
    this(targets, schedule, campaigns, resolvers, controlUrls, upload, database, metricsListen, heartbeat,
        connectivity, retention, probe, messengers, Collector.NONE);
  }

  /** A config with the messenger checks at their defaults. */
  public KuzetConfig(TargetSelection targets, Schedule schedule, List<Campaign> campaigns,
      List<InetSocketAddress> resolvers, List<String> controlUrls, Upload upload, Path database,
      InetSocketAddress metricsListen, Heartbeat heartbeat, Connectivity connectivity, Duration retention,
      Probe probe) {
    this(targets, schedule, campaigns, resolvers, controlUrls, upload, database, metricsListen, heartbeat,
        connectivity, retention, probe, Messengers.DEFAULT, Collector.NONE);
  }

  /**
   * {@code [messengers]}: whether a service run also checks the messengers (one measurement per app).
   *
   * @param scheduled in regular runs (off by default)
   * @param campaigns in campaign runs (on by default: messengers are what is restricted before a shutdown)
   */
  public record Messengers(boolean scheduled, boolean campaigns) {
    public static final Messengers DEFAULT = new Messengers(false, true);

    /** Whether a run of this kind checks them. */
    public boolean in(boolean campaignRun) {
      return campaignRun ? campaigns : scheduled;
    }
  }

  public KuzetConfig {
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(schedule, "schedule");
    campaigns = List.copyOf(campaigns);
    resolvers = List.copyOf(resolvers);
    controlUrls = List.copyOf(controlUrls);
    Objects.requireNonNull(upload, "upload");
    Objects.requireNonNull(database, "database");
    if (metricsListen != null && !metricsListen.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("metrics listen address must be loopback, got " + metricsListen);
    }
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(connectivity, "connectivity");
    Objects.requireNonNull(probe, "probe");
    messengers = messengers == null ? Messengers.DEFAULT : messengers;
    collector = collector == null ? Collector.NONE : collector;
  }

  /**
   * {@code [collector]}: what {@code kuzet collector} uses where its flags do not say; each null when the file
   * does not set it. Values are checked as far as text allows when the file is read (a database URL's form, a
   * size, a number); what only opening shows (a missing directory, an unreadable PEM file, a port in use) is
   * reported by the command against {@link #origin}.
   *
   * @param database an SQLite file (resolved against the config file's directory) or a {@code postgresql://} URL
   * @param listen {@code HOST:PORT}
   * @param maxBodyBytes the largest request body
   * @param poolSize connections to PostgreSQL
   * @param origins per key set in the file, where: {@code kuzet.conf:12: [collector] database}
   */
  public record Collector(String database, String listen, Path tlsCert, Path tlsKey, Long maxBodyBytes,
      Integer maxInflight, Integer poolSize, java.util.Map<String, String> origins) {
    public static final Collector NONE = new Collector(null, null, null, null, null, null, null,
        java.util.Map.of());

    public Collector {
      origins = java.util.Map.copyOf(origins);
    }

    /** Where {@code key} is set, to start an error message with: {@code kuzet.conf:12: [collector] database}. */
    public String origin(String key) {
      return origins.getOrDefault(key, "[collector] " + key);
    }
  }

  /**
   * {@code [probe]}: the network identity lookup (probe-core's IdentityLookup) and its overrides.
   *
   * @param lookup whether STUN and the resolver whoami run at all
   * @param stunServers {@code host:port}, tried in turn
   * @param asn the probe's AS as the volunteer sets it ({@code AS9198}), or null to use the lookup's
   * @param cc the probe's country ({@code KZ}), or null to use the lookup's
   * @param ipDatabase a table made by {@code tools/refresh-ip-db.sh} to use instead of the one shipped, or null
   */
  public record Probe(boolean lookup, List<String> stunServers, String asn, String cc, Path ipDatabase) {
    public Probe {
      stunServers = List.copyOf(stunServers);
      if (asn != null) {
        org.kuzet.core.identity.NetworkIdentity.requireAsn(asn, "probe ASN");
      }
      if (cc != null) {
        org.kuzet.core.identity.NetworkIdentity.requireCc(cc, "probe country");
      }
    }

    /** No config file: on with {@link ProbeDefaults} (off when {@code KUZET_STUN=none}), no overrides. */
    public static Probe defaults() {
      List<String> servers = ProbeDefaults.stunServers();
      return new Probe(!servers.isEmpty(), servers, null, null, null);
    }
  }

  /**
   * Which targets a run measures.
   *
   * @param lists bundled list names ({@code kz}, {@code control})
   * @param files target list files (kuzet CSV, Citizen Lab CSV, or one URL per line)
   * @param categories Citizen Lab category codes to keep; empty keeps all
   * @param baseline whether a run also measures the bundled {@code control} list's sites first, whatever the
   *     categories, as the baseline of throttling by time ({@code [targets] baseline}, on by default)
   */
  public record TargetSelection(List<String> lists, List<Path> files, List<String> categories, boolean baseline) {
    public TargetSelection {
      lists = List.copyOf(lists);
      files = List.copyOf(files);
      categories = List.copyOf(categories);
    }

    /** A selection with the baseline at its default ({@link BaselineDefaults}). */
    public TargetSelection(List<String> lists, List<Path> files, List<String> categories) {
      this(lists, files, categories, BaselineDefaults.enabled());
    }

    public TargetSelection withBaseline(boolean on) {
      return new TargetSelection(lists, files, categories, on);
    }

    public boolean isEmpty() {
      return lists.isEmpty() && files.isEmpty();
    }
  }

  /** Regular runs: every {@code interval}, each moved by a uniform random offset within ±{@code jitter}. */
  public record Schedule(Duration interval, Duration jitter) {
    public Schedule {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(jitter, "jitter");
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("interval must be positive");
      }
      if (jitter.isNegative() || jitter.multipliedBy(2).compareTo(interval) >= 0) {
        throw new IllegalArgumentException("jitter must be less than half the interval");
      }
    }
  }

  /**
   * A named window of denser runs, e.g. around an election or a protest.
   *
   * @param start inclusive
   * @param end exclusive
   * @param targets the campaign's own targets; when empty, the regular ones
   */
  public record Campaign(String name, Instant start, Instant end, Duration interval, Duration jitter,
      TargetSelection targets) {
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,63}";

    public Campaign {
      Objects.requireNonNull(name, "name");
      if (!name.matches(NAME_PATTERN)) {
        throw new IllegalArgumentException("campaign name '" + name + "' must be lower-case letters, digits, '.', "
            + "'_' or '-' (at most 64), e.g. election-2026");
      }
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("campaign " + name + " ends (" + end + ") before it starts (" + start + ")");
      }
      new Schedule(interval, jitter); // same rules as the regular schedule
      Objects.requireNonNull(targets, "targets");
    }

    public boolean isActiveAt(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  /** @param collector where measurements go when {@code enabled}; required then */
  public record Upload(boolean enabled, String collector) {
    public Upload {
      if (enabled && collector == null) {
        throw new IllegalArgumentException("upload is enabled but no collector is set");
      }
    }
  }

  /** How often the connectivity check runs: normally, and while a campaign is active. */
  public record Heartbeat(Duration interval, Duration campaignInterval) {
    public Heartbeat {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(campaignInterval, "campaignInterval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || campaignInterval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("a heartbeat of less than 1s would keep the probe busy; use e.g. 60s");
      }
    }

    /** The interval in force at {@code t}: the campaign one while a campaign is active. */
    public Duration at(boolean campaignActive) {
      return campaignActive ? campaignInterval : interval;
    }
  }

  /** Anchors of the connectivity (shutdown) check; see {@link Anchor} for the syntax. */
  public record Connectivity(List<Anchor> domestic, List<Anchor> foreign) {
    public Connectivity {
      domestic = List.copyOf(domestic);
      foreign = List.copyOf(foreign);
      if (foreign.isEmpty()) {
        throw new IllegalArgumentException("at least one foreign anchor is needed");
      }
    }
  }

  /** The campaign whose window contains {@code t}; the earliest-starting one when windows overlap. */
  public Optional<Campaign> campaignAt(Instant t) {
    return campaigns.stream().filter(c -> c.isActiveAt(t))
        .min((a, b) -> a.start().compareTo(b.start()));
  }

  /** This config with other regular targets ({@code kuzet run}'s {@code --baseline} over {@code [targets]}). */
  public KuzetConfig withTargets(TargetSelection other) {
    return new KuzetConfig(other, schedule, campaigns, resolvers, controlUrls, upload, database, metricsListen,
        heartbeat, connectivity, retention, probe, messengers);
  }

  public Optional<Campaign> campaign(String name) {
    return campaigns.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
