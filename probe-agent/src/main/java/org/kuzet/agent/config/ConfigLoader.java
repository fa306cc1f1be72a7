package org.kuzet.agent.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.kuzet.agent.config.IniDocument.Entry;
import org.kuzet.agent.config.IniDocument.Section;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.Connectivity;
import org.kuzet.agent.config.KuzetConfig.Heartbeat;
import org.kuzet.agent.config.KuzetConfig.Schedule;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.agent.config.KuzetConfig.Upload;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.TranslatedArgumentException;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.Categories;
import org.kuzet.targets.Utf8Text;

/**
 * Reads the config file into a {@link KuzetConfig}. Every key is optional; a missing key takes its documented
 * default (constants below). Unknown sections and keys, and bad values, are rejected with the file, line, key,
 * what was wrong and what to write instead. Relative paths are resolved against the config file's directory.
 */
public final class ConfigLoader {
  public static final List<String> DEFAULT_LISTS = List.of("kz");
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(6);
  public static final Duration DEFAULT_JITTER = Duration.ofMinutes(30);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_CAMPAIGN_HEARTBEAT = Duration.ofSeconds(15);
  public static final int DEFAULT_METRICS_PORT = 9464;
  public static final String DEFAULT_DATABASE = "kuzet.db";
  /** Kazakhtelecom's public resolvers, asked for egov.kz: reachable from inside Kazakhstan when the border is cut. */
  public static final List<String> DEFAULT_DOMESTIC = List.of(
      "dns 195.210.46.195 egov.kz", "dns 195.210.46.132 egov.kz");
  /** Three independent operators, over DNS and TLS (the TLS ones also prove no interception on that path). */
  public static final List<String> DEFAULT_FOREIGN = List.of(
      "dns 1.1.1.1 example.com", "dns 8.8.8.8 example.com", "dns 9.9.9.9 example.com",
      "tls 1.1.1.1:443 one.one.one.one", "tls 8.8.8.8:443 dns.google", "tls 9.9.9.9:443 dns.quad9.net");

  /** Every section and its keys: the only ones accepted. */
  static final Map<String, List<String>> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("targets", List.of("lists", "files", "categories", "baseline"));
    KEYS.put("schedule", List.of("interval", "jitter"));
    KEYS.put("network", List.of("resolvers"));
    KEYS.put("control", List.of("urls"));
    KEYS.put("upload", List.of("enabled", "collector"));
    KEYS.put("store", List.of("database", "retention"));
    KEYS.put("metrics", List.of("listen"));
    KEYS.put("heartbeat", List.of("interval", "campaign_interval"));
    KEYS.put("connectivity", List.of("domestic", "foreign"));
    KEYS.put("probe", List.of("lookup", "stun_servers", "asn", "cc", "ip_database"));
    KEYS.put("messengers", List.of("scheduled", "campaigns"));
    KEYS.put("collector", List.of("database", "listen", "tls_cert", "tls_key", "max_body", "max_inflight",
        "pool_size"));
    KEYS.put("campaign", List.of("start", "end", "interval", "jitter", "lists", "files", "categories"));
  }

  private final String source;
  private final Path baseDir;

  private ConfigLoader(String source, Path baseDir) {
    this.source = source;
    this.baseDir = baseDir;
  }

  /** Reads {@code file}; a missing or unreadable file is a ConfigException naming it. */
  public static KuzetConfig load(Path file) {
    String text;
    try {
      text = Utf8Text.read(file);
    } catch (Utf8Text.NotUtf8Exception e) {
      throw new ConfigException(file.toString(), e.line(), null, e.detail());
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, null, Text.of("config.noFile"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, null, Text.of("config.cannotRead", e.getMessage()));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.getFileName().toString(), text, dir);
  }

  /** Reads config text; {@code source} names it in errors, {@code baseDir} anchors relative paths. */
  public static KuzetConfig parse(String source, String text, Path baseDir) {
    return new ConfigLoader(source, baseDir).read(IniDocument.parse(source, text));
  }

  /** The configuration of an empty file. */
  public static KuzetConfig defaults(Path baseDir) {
    return parse("defaults", "", baseDir);
  }

  private KuzetConfig read(List<Section> sections) {
    Map<String, Section> byKind = new LinkedHashMap<>();
    List<Section> campaignSections = new ArrayList<>();
    for (Section s : sections) {
      List<String> keys = KEYS.get(s.kind());
      if (keys == null) {
        throw new ConfigException(source, s.line(), null, Text.of("config.unknownSection", s.title(),
            String.join(", ", KEYS.keySet().stream().map(k -> k.equals("campaign") ? "[campaign NAME]" : "[" + k + "]")
            .toList())));
      }
      if (s.kind().equals("campaign")) {
        if (s.name() == null) {
          throw new ConfigException(source, s.line(), null, Text.of("config.campaignName"));
        }
        campaignSections.add(s);
      } else if (s.name() != null) {
        throw new ConfigException(source, s.line(), null, Text.of("config.noName", s.title(), s.kind()));
      } else {
        byKind.put(s.kind(), s);
      }
      for (Entry e : s.entries().values()) {
        if (!keys.contains(e.key())) {
          throw new ConfigException(source, e.line(), s.title() + " " + e.key(), Text.of("config.unknownKey",
              s.title(), String.join(", ", keys)));
        }
      }
    }
    Keys targets = keys(byKind, "targets");
    Keys schedule = keys(byKind, "schedule");
    Keys upload = keys(byKind, "upload");
    Keys heartbeat = keys(byKind, "heartbeat");
    Keys connectivity = keys(byKind, "connectivity");

    TargetSelection selection = targets.selection(DEFAULT_LISTS)
        .withBaseline(targets.get("baseline", ConfigLoader::bool, BaselineDefaults.enabled()));
    if (selection.isEmpty()) {
      throw targets.error("lists", "nothing to measure: give a bundled list (lists = kz) or your own files "
          + "(files = /etc/kuzet/extra.csv)");
    }
    Schedule sched = schedule.build(() -> new Schedule(
        schedule.get("interval", Durations::parse, DEFAULT_INTERVAL),
        schedule.get("jitter", Durations::parseOrZero, DEFAULT_JITTER)), "jitter");
    List<Campaign> campaigns = new ArrayList<>();
    for (Section s : campaignSections) {
      campaigns.add(campaign(s));
    }
    boolean enabled = upload.get("enabled", ConfigLoader::bool, false);
    String collector = upload.get("collector", v -> url(v), null);
    if (enabled && collector == null) {
      throw upload.error("enabled", "upload is on but [upload] collector is not set; add collector = https://…");
    }
    List<Anchor> foreign = connectivity.list("foreign", Anchor::parse, DEFAULT_FOREIGN.stream().map(Anchor::parse)
        .toList());
    if (foreign.isEmpty()) {
      throw connectivity.error("foreign", "at least one foreign anchor is needed to tell a working network from a "
          + "shutdown");
    }
    return new KuzetConfig(
        selection,
        sched,
        campaigns,
        keys(byKind, "network").list("resolvers", v -> IpLiterals.parseEndpoint(v, 53), List.of()),
        controlUrls(keys(byKind, "control")),
        new Upload(enabled, collector),
        keys(byKind, "store").get("database", this::path, baseDir.resolve(DEFAULT_DATABASE)),
        keys(byKind, "metrics").get("listen", ConfigLoader::metricsListen, null),
        heartbeat.build(() -> new Heartbeat(heartbeat.get("interval", Durations::parse, DEFAULT_HEARTBEAT),
            heartbeat.get("campaign_interval", Durations::parse, DEFAULT_CAMPAIGN_HEARTBEAT)), "interval"),
        new Connectivity(connectivity.list("domestic", Anchor::parse,
            DEFAULT_DOMESTIC.stream().map(Anchor::parse).toList()), foreign),
        keys(byKind, "store").get("retention", ConfigLoader::retention, null),
        probe(keys(byKind, "probe")),
        new KuzetConfig.Messengers(
            keys(byKind, "messengers").get("scheduled", ConfigLoader::bool, KuzetConfig.Messengers.DEFAULT.scheduled()),
            keys(byKind, "messengers").get("campaigns", ConfigLoader::bool,
                KuzetConfig.Messengers.DEFAULT.campaigns())),
        collector(keys(byKind, "collector")));
  }

  /** {@code [collector]}: each key checked as far as its text allows; see {@link KuzetConfig.Collector}. */
  private KuzetConfig.Collector collector(Keys k) {
    Map<String, String> origins = new LinkedHashMap<>();
    for (Entry e : k.section.entries().values()) {
      origins.put(e.key(), source + ":" + e.line() + ": [collector] " + e.key());
    }
    String database = k.get("database", v -> {
      if (org.kuzet.backend.collector.PostgresUrl.isPostgres(v)) {
        org.kuzet.backend.collector.PostgresUrl.parse(v); // says what is wrong, the password not shown
        return v;
      }
      return path(v).toString();
    }, null);
    String listen = k.get("listen", v -> {
      if (!v.matches("(?:\\[[0-9A-Fa-f:.]+]|[^:\\[\\]\\s]+):\\d{1,5}")) {
        throw new IllegalArgumentException("'" + v + "' is not HOST:PORT (write e.g. 0.0.0.0:8443 or [::]:8443)");
      }
      return v;
    }, null);
    Path cert = k.get("tls_cert", this::path, null);
    Path key = k.get("tls_key", this::path, null);
    if ((cert == null) != (key == null)) {
      throw k.error(cert == null ? "tls_key" : "tls_cert", "tls_cert and tls_key go together: set both for HTTPS,"
          + " or neither");
    }
    Long maxBody = k.get("max_body", ConfigLoader::size, null);
    Integer maxInflight = k.get("max_inflight", v -> count(v, 1, 10_000), null);
    Integer poolSize = k.get("pool_size", v -> count(v, 1, 1_000), null);
    return new KuzetConfig.Collector(database, listen, cert, key, maxBody, maxInflight, poolSize, origins);
  }

  /** A size in bytes: {@code 8388608}, {@code 512K}, {@code 8M}, {@code 1G}; at least 1024. */
  static long size(String v) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})\\s*([KMG]i?B?|B)?",
        java.util.regex.Pattern.CASE_INSENSITIVE).matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + v + "' is not a size (write e.g. 8M, 512K or 8388608)");
    }
    String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
    int shift = unit.startsWith("K") ? 10 : unit.startsWith("M") ? 20 : unit.startsWith("G") ? 30 : 0;
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift) || (n << shift) < 1024) {
      throw new IllegalArgumentException("'" + v + "' is out of range (at least 1K)");
    }
    return n << shift;
  }

  private static int count(String v, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(n + " is out of range (" + min + " to " + max + ")");
    }
    return n;
  }

  /**
   * {@code [probe]}: naming STUN servers turns the lookup on even under {@code KUZET_STUN=none}; {@code lookup}
   * decides when written.
   */
  private KuzetConfig.Probe probe(Keys k) {
    List<String> named = k.list("stun_servers", v -> {
      org.kuzet.core.identity.StunClient.endpoint(v);
      return v;
    }, null);
    List<String> servers = named != null ? named : ProbeDefaults.stunServers();
    boolean lookup = k.get("lookup", ConfigLoader::bool, !servers.isEmpty());
    if (lookup && servers.isEmpty()) {
      servers = org.kuzet.core.identity.StunClient.OONI_SERVERS; // lookup = on under KUZET_STUN=none
    }
    String asn = k.get("asn", v -> org.kuzet.core.identity.NetworkIdentity.requireAsn(v, "probe ASN"), null);
    String cc = k.get("cc", v -> org.kuzet.core.identity.NetworkIdentity.requireCc(v, "probe country"), null);
    return new KuzetConfig.Probe(lookup, servers, asn, cc, k.get("ip_database", this::path, null));
  }

  private Campaign campaign(Section s) {
    Keys k = new Keys(s);
    if (!s.name().matches(Campaign.NAME_PATTERN)) {
      throw new ConfigException(source, s.line(), s.title(), "a campaign name is lower-case letters, digits, '.', "
          + "'_' or '-' (at most 64), e.g. [campaign election-2026]");
    }
    for (String required : List.of("start", "end", "interval")) {
      if (!s.entries().containsKey(required)) {
        throw new ConfigException(source, s.line(), s.title(), "missing '" + required + "' (a campaign needs start, "
            + "end and interval, e.g. start = 2026-03-19T06:00+05:00, end = 2026-03-20T12:00+05:00, interval = 15m)");
      }
    }
    Instant start = k.get("start", ConfigLoader::instant, null);
    Instant end = k.get("end", ConfigLoader::instant, null);
    if (!end.isAfter(start)) {
      throw k.error("end", "the campaign ends before it starts (" + end + " ≤ " + start + "); check the dates");
    }
    Duration interval = k.get("interval", Durations::parse, null);
    // A dense campaign keeps a tenth of its interval as jitter unless told otherwise, so volunteers' runs spread.
    Duration jitter = k.get("jitter", Durations::parseOrZero, interval.dividedBy(10));
    TargetSelection targets = k.selection(List.of());
    return k.build(() -> new Campaign(s.name(), start, end, interval, jitter, targets), "jitter");
  }

  private Path path(String v) {
    return baseDir.resolve(v);
  }

  private static Path usableListFile(Path file) {
    try {
      TargetFiles.load(file);
      return file;
    } catch (TargetFiles.Unusable e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage() + "; " + TargetFiles.HINT
          + ", or remove it from the line");
    }
  }

  static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
    };
  }

  /** {@code [store] retention}: {@code forever} (null), or a duration of at least a day. */
  static Duration retention(String v) {
    if (v.equalsIgnoreCase("forever")) {
      return null;
    }
    Duration d = Durations.parse(v);
    if (d.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("'" + v + "' is under a day; measurements are evidence: keep them at least "
          + "a day (e.g. 365d), or write 'forever'");
    }
    return d;
  }

  /** {@code [control] urls}: the URLs, {@code none} for no control, or absent for {@link ControlDefaults}. */
  private static List<String> controlUrls(Keys control) {
    List<String> items = control.list("urls", v -> v, null);
    if (items == null) {
      return ControlDefaults.urls();
    }
    try {
      return ControlDefaults.parse(items);
    } catch (IllegalArgumentException e) {
      throw control.error("urls", e.getMessage());
    }
  }

  static String url(String v) {
    try {
      URI uri = new URI(v);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("'" + v + "' is not an http(s) URL (write e.g. https://example.org/)");
      }
      return v;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + v + "' is not a URL: " + e.getReason());
    }
  }

  static Instant instant(String v) {
    return time(v).toInstant();
  }

  /**
   * A time as written in the file or on the command line: ISO-8601 with an offset, 'T' or a space between date
   * and time; throws IllegalArgumentException with an example.
   */
  public static OffsetDateTime time(String v) {
    String s = v.strip().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + v + "' is not an ISO-8601 time with an offset (write e.g. "
          + "2026-03-19T06:00+05:00 for Almaty time, or 2026-03-19T01:00Z for UTC)");
    }
  }

  static InetSocketAddress metricsListen(String v) {
    if (Set.of("off", "false", "no").contains(v.toLowerCase(Locale.ROOT))) {
      return null;
    }
    InetSocketAddress a = IpLiterals.parseEndpoint(v, DEFAULT_METRICS_PORT);
    if (!a.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(a.getAddress().getHostAddress() + " is not a loopback address: metrics "
          + "reveal when this machine measured and when its network was cut, so kuzet serves them only on "
          + "127.0.0.1 or ::1 (scrape through an SSH tunnel if needed)");
    }
    return a;
  }

  private Keys keys(Map<String, Section> byKind, String kind) {
    Section s = byKind.get(kind);
    return new Keys(s == null ? new Section(kind, null, 0, Map.of()) : s);
  }

  /** Typed access to one section's entries; every conversion error names the line and key. */
  private final class Keys {
    private final Section section;

    Keys(Section section) {
      this.section = section;
    }

    <T> T get(String key, Function<String, T> convert, T fallback) {
      Entry e = section.entries().get(key);
      if (e == null) {
        return fallback;
      }
      if (e.value().isBlank()) {
        throw error(key, Text.of("config.empty"));
      }
      try {
        return convert.apply(e.value().strip());
      } catch (IllegalArgumentException ex) {
        throw error(key, ex);
      }
    }

    <T> List<T> list(String key, Function<String, T> convert, List<T> fallback) {
      Entry e = section.entries().get(key);
      if (e == null) {
        return fallback;
      }
      List<T> out = new ArrayList<>();
      for (String item : IniDocument.list(e.value())) {
        try {
          out.add(convert.apply(item));
        } catch (IllegalArgumentException ex) {
          throw error(key, ex);
        }
      }
      return out;
    }

    TargetSelection selection(List<String> defaultLists) {
      List<String> lists = list("lists", v -> {
        if (!BundledLists.names().contains(v)) {
          throw new TranslatedArgumentException(Text.of("config.unknownList", v,
              String.join(", ", BundledLists.names())));
        }
        return v;
      }, section.entries().containsKey("files") ? List.of() : defaultLists);
      // Each list file is read now, as a run would read it: a missing or broken one is this line's error, not a
      // run that fails at 3 a.m. (a file that breaks later fails its run, recorded with the reason).
      List<Path> files = list("files", v -> usableListFile(path(v)), List.of());
      List<String> categories = list("categories", v -> {
        String code = v.toUpperCase(Locale.ROOT);
        if (!Categories.isKnown(code)) {
          throw new IllegalArgumentException("unknown category '" + v + "' (Citizen Lab codes, e.g. NEWS, POLR, HUMR;"
              + " 'kuzet targets --help' lists them)");
        }
        return code;
      }, List.of());
      return new TargetSelection(lists, files, categories);
    }

    /** Runs a record constructor; its cross-key rule violations are reported against {@code key}. */
    <T> T build(java.util.function.Supplier<T> constructor, String key) {
      try {
        return constructor.get();
      } catch (IllegalArgumentException ex) {
        throw error(key, ex);
      }
    }

    ConfigException error(String key, String problem) {
      return new ConfigException(source, line(key), section.title() + " " + key, problem);
    }

    ConfigException error(String key, Text problem) {
      return new ConfigException(source, line(key), section.title() + " " + key, problem);
    }

    /** The problem in the words of {@code bad} (translated when it is). */
    ConfigException error(String key, IllegalArgumentException bad) {
      return new ConfigException(source, line(key), section.title() + " " + key, bad);
    }

    private int line(String key) {
      Entry e = section.entries().get(key);
      return e != null ? e.line() : section.line();
    }
  }
}
