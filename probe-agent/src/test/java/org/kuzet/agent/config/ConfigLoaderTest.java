package org.kuzet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.identity.StunClient;

class ConfigLoaderTest {
  private static final Path BASE = Path.of("/etc/kuzet");

  private static KuzetConfig parse(String text) {
    return ConfigLoader.parse("kuzet.conf", text, BASE);
  }

  /** The error for {@code text}, checked to name the file and line. */
  private static ConfigException error(String text, int line) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("kuzet.conf:" + line + ": "), e.getMessage());
    return e;
  }

  @Test
  void anEmptyFileIsTheDocumentedDefaults() {
    KuzetConfig c = parse("");
    assertEquals(List.of("kz"), c.targets().lists());
    assertEquals(Duration.ofHours(6), c.schedule().interval());
    assertEquals(Duration.ofMinutes(30), c.schedule().jitter());
    assertEquals(List.of(), c.campaigns());
    assertEquals(false, c.upload().enabled());
    assertEquals(BASE.resolve("kuzet.db"), c.database());
    assertNull(c.metricsListen(), "metrics are off unless asked for");
    assertEquals(Duration.ofSeconds(60), c.heartbeat().interval());
    assertEquals(Duration.ofSeconds(15), c.heartbeat().campaignInterval());
    assertEquals(2, c.connectivity().domestic().size());
    assertEquals(6, c.connectivity().foreign().size());
  }

  @Test
  void controlDefaultsToTheEnvironmentOrOoniAndNoneTurnsItOff() {
    assertEquals(ControlDefaults.urls(), parse("").controlUrls(), "absent: the process's default");
    assertEquals(List.of(), parse("[control]\nurls = none\n").controlUrls());
    assertEquals(List.of("https://a.example/", "https://b.example/"),
        parse("[control]\nurls = https://a.example/, https://b.example/\n").controlUrls());
    assertTrue(error("[control]\nurls = none, https://a.example/\n", 2).getMessage().contains("'none'"));
    assertTrue(error("[control]\nurls = ftp://a.example/\n", 2).getMessage().contains("ftp://a.example/"));
  }

  @Test
  void messengersAreCheckedInCampaignsByDefaultAndEitherCanBeSwitched() {
    KuzetConfig.Messengers d = parse("").messengers();
    assertTrue(d.in(true), "campaign runs: on by default");
    assertFalse(d.in(false), "regular runs: off by default");
    KuzetConfig.Messengers m = parse("[messengers]\nscheduled = on\ncampaigns = off\n").messengers();
    assertTrue(m.in(false));
    assertFalse(m.in(true));
    assertTrue(error("[messengers]\nevery = on\n", 2).getMessage().contains("unknown key"));
  }

  @Test
  void retentionIsForeverUnlessSetToADayOrMore() {
    assertNull(parse("").retention());
    assertNull(parse("[store]\nretention = forever\n").retention());
    assertEquals(Duration.ofDays(365), parse("[store]\nretention = 365d\n").retention());
    assertTrue(error("[store]\nretention = 6h\n", 2).getMessage().contains("under a day"));
    assertTrue(error("[store]\nretention = soon\n", 2).getMessage().contains("not a duration"));
  }

  @Test
  void kuzetControlReplacesOonisHelpers() {
    assertEquals(ControlDefaults.OONI_HELPERS, ControlDefaults.urls(java.util.Map.of()));
    assertEquals(ControlDefaults.OONI_HELPERS, ControlDefaults.urls(java.util.Map.of("KUZET_CONTROL", " ")));
    assertEquals(List.of(), ControlDefaults.urls(java.util.Map.of("KUZET_CONTROL", "None")));
    assertEquals(List.of("https://th.example/", "http://10.0.0.1:8080/"),
        ControlDefaults.urls(java.util.Map.of("KUZET_CONTROL", "https://th.example/, http://10.0.0.1:8080/")));
    ConfigException e = assertThrows(ConfigException.class,
        () -> ControlDefaults.urls(java.util.Map.of("KUZET_CONTROL", "th.example")));
    assertTrue(e.getMessage().startsWith("environment: KUZET_CONTROL: 'th.example'"), e.getMessage());
    assertTrue(ControlDefaults.OONI_HELPERS.stream().allMatch(u -> u.startsWith("https://")));
  }

  @Test
  void aConfigFileThatIsNotUtf8NamesTheLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("kuzet.conf");
    java.nio.file.Files.write(file, "[targets]\n# list \u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertTrue(e.getMessage().startsWith(file + ":2: not UTF-8 text (byte 0xE9 at column 8)"), e.getMessage());
  }

  @Test
  void theExampleFileLoadsWithEveryKeyMapped() {
    KuzetConfig c = ConfigLoader.load(Path.of("../deploy/kuzet.example.conf"));
    assertEquals(List.of("kz"), c.targets().lists());
    assertEquals(Path.of("/var/lib/kuzet/kuzet.db"), c.database());
    Campaign e = c.campaign("election-2026").orElseThrow();
    assertEquals(Instant.parse("2026-03-19T01:00:00Z"), e.start());
    assertEquals(Instant.parse("2026-03-20T07:00:00Z"), e.end());
    assertEquals(Duration.ofMinutes(15), e.interval());
    assertEquals(Duration.ofMinutes(1), e.jitter());
    assertEquals(List.of("NEWS", "POLR", "HUMR"), e.targets().categories());
    assertEquals(Anchor.parse("tls 9.9.9.9:443 dns.quad9.net"), c.connectivity().foreign().get(5));
    assertTrue(c.probe().lookup(), "the network lookup is on for volunteers");
    assertTrue(c.targets().baseline(), "the throttling baseline is on for volunteers");
  }

  @Test
  void theThrottlingBaselineIsOnByDefaultAndKuzetBaselineTurnsItOff() {
    assertTrue(BaselineDefaults.enabled(java.util.Map.of()), "on for volunteers");
    assertTrue(BaselineDefaults.enabled(java.util.Map.of("KUZET_BASELINE", "on")));
    assertFalse(BaselineDefaults.enabled(java.util.Map.of("KUZET_BASELINE", "Off")));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BaselineDefaults.enabled(java.util.Map.of("KUZET_BASELINE", "maybe")));
    assertTrue(e.getMessage().startsWith("environment: KUZET_BASELINE: 'maybe' is not on or off"), e.getMessage());
    // The test suite runs with KUZET_BASELINE=off (the build sets it): no test measures the real control list.
    assertFalse(ConfigLoader.parse("kuzet.conf", "", Path.of(".")).targets().baseline());
    assertTrue(ConfigLoader.parse("kuzet.conf", "[targets]\nbaseline = on\n", Path.of(".")).targets().baseline());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("kuzet.conf", "[targets]\nbaseline = sometimes\n", Path.of(".")));
    assertTrue(bad.getMessage().startsWith("kuzet.conf:2: [targets] baseline:"), bad.getMessage());
  }

  @Test
  void everyKeyMapsToItsField(@TempDir Path base) throws Exception {
    Files.createDirectories(base.resolve("lists"));
    Files.writeString(base.resolve("lists/extra.csv"), "https://extra.kz/\n");
    KuzetConfig c = ConfigLoader.parse("kuzet.conf", """
        [targets]
        files = lists/extra.csv
        categories = news, humr
        baseline = off
        [schedule]
        interval = 3h
        jitter = 0
        [network]
        resolvers = 1.1.1.1, 77.88.8.8:5353
        [control]
        urls = https://th.example.org/
        [upload]
        enabled = yes
        collector = https://collector.example.org/
        [store]
        database = /srv/kuzet/k.db
        [metrics]
        listen = 127.0.0.1:9999
        [heartbeat]
        interval = 2m
        campaign_interval = 10s
        [connectivity]
        domestic = tcp 127.0.0.2:443
        foreign = dns 1.1.1.1
        [campaign protest]
        start = 2026-01-05 06:00+05:00
        end = 2026-01-06T06:00+05:00
        interval = 10m
        lists = control
        """, base);
    assertEquals(List.of(), c.targets().lists(), "files alone replace the default list");
    assertEquals(List.of(base.resolve("lists/extra.csv")), c.targets().files());
    assertEquals(List.of("NEWS", "HUMR"), c.targets().categories());
    assertFalse(c.targets().baseline(), "[targets] baseline = off");
    assertEquals(Duration.ofHours(3), c.schedule().interval());
    assertEquals(Duration.ZERO, c.schedule().jitter());
    assertEquals(List.of(new InetSocketAddress("1.1.1.1", 53), new InetSocketAddress("77.88.8.8", 5353)),
        c.resolvers());
    assertEquals(List.of("https://th.example.org/"), c.controlUrls());
    assertEquals(new KuzetConfig.Upload(true, "https://collector.example.org/"), c.upload());
    assertEquals(Path.of("/srv/kuzet/k.db"), c.database());
    assertEquals(new InetSocketAddress("127.0.0.1", 9999), c.metricsListen());
    assertEquals(new KuzetConfig.Heartbeat(Duration.ofMinutes(2), Duration.ofSeconds(10)), c.heartbeat());
    assertEquals(List.of(Anchor.parse("tcp 127.0.0.2:443")), c.connectivity().domestic());
    assertEquals(List.of(Anchor.parse("dns 1.1.1.1 example.com")), c.connectivity().foreign());
    Campaign p = c.campaigns().get(0);
    assertEquals("protest", p.name());
    assertEquals(Duration.ofMinutes(1), p.jitter(), "a tenth of the interval by default");
    assertEquals(List.of("control"), p.targets().lists());
  }

  @Test
  void probeLookupDefaultsToTheEnvironmentAndEveryKeyMaps() {
    KuzetConfig.Probe defaults = parse("").probe();
    assertEquals(ProbeDefaults.stunServers(), defaults.stunServers(), "absent: the process's default");
    assertEquals(!ProbeDefaults.stunServers().isEmpty(), defaults.lookup());
    KuzetConfig.Probe p = parse("""
        [probe]
        asn = AS9198
        cc = KZ
        stun_servers = stun.example.org:3478, [2001:db8::1]:3478
        ip_database = ip.bin.gz
        """).probe();
    assertEquals(new KuzetConfig.Probe(true, List.of("stun.example.org:3478", "[2001:db8::1]:3478"), "AS9198", "KZ",
        BASE.resolve("ip.bin.gz")), p, "naming servers turns the lookup on, even under KUZET_STUN=none");
    assertEquals(false, parse("[probe]\nlookup = off\nstun_servers = stun.example.org\n").probe().lookup());
    KuzetConfig.Probe on = parse("[probe]\nlookup = on\n").probe();
    assertTrue(on.lookup() && !on.stunServers().isEmpty(), "on without servers: the default ones, OONI's at least");
  }

  @Test
  void probeValuesAreChecked() {
    assertTrue(error("[probe]\nasn = 9198\n", 2).getMessage().contains("e.g. AS9198"));
    assertTrue(error("[probe]\ncc = kz\n", 2).getMessage().contains("e.g. KZ"));
    assertTrue(error("[probe]\nlookup = sometimes\n", 2).getMessage().contains("not true or false"));
    assertTrue(error("[probe]\nstun_servers = stun.example.org:0\n", 2).getMessage().contains("bad port"));
    assertTrue(error("[probe]\nstun = x\n", 2).getMessage().contains("unknown key"));
  }

  @Test
  void kuzetStunReplacesOonisServersAndNoneTurnsTheLookupOff() {
    assertEquals(StunClient.OONI_SERVERS, ProbeDefaults.stunServers(java.util.Map.of()));
    assertEquals(List.of(), ProbeDefaults.stunServers(java.util.Map.of("KUZET_STUN", "none")));
    assertEquals(List.of("127.0.0.1:3478", "stun.example.org"),
        ProbeDefaults.stunServers(java.util.Map.of("KUZET_STUN", "127.0.0.1:3478, stun.example.org")));
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProbeDefaults.stunServers(java.util.Map.of("KUZET_STUN", "stun.example.org:http")));
    assertTrue(e.getMessage().startsWith("environment: KUZET_STUN: "), e.getMessage());
  }

  @Test
  void unknownKeysAndSectionsAreRejectedWithTheirLine() {
    ConfigException key = error("[schedule]\ninterval = 6h\nintreval = 6h\n", 3);
    assertEquals("[schedule] intreval", key.key());
    assertTrue(key.getMessage().contains("unknown key"), key.getMessage());
    assertTrue(error("\n[shedule]\n", 2).getMessage().contains("unknown section [shedule]"));
    assertTrue(error("interval = 6h\n", 1).getMessage().contains("outside any section"));
    assertTrue(error("[schedule]\nthis is not an entry\n", 2).getMessage().contains("not 'key = value'"));
    assertTrue(error("[schedule]\n[schedule]\n", 2).getMessage().contains("appears twice (first on line 1)"));
    assertTrue(error("[store]\ndatabase = a\ndatabase = b\n", 3).getMessage().contains("set twice"));
    assertTrue(error("[store main]\n", 1).getMessage().contains("takes no name"));
  }

  @Test
  void badValuesNameKeyLineAndWhatToWrite() {
    ConfigException d = error("# a comment\n[schedule]\ninterval = 6x\n", 3);
    assertEquals("kuzet.conf:3: [schedule] interval: '6x' is not a duration (use e.g. 500ms, 4s, 15m, 6h, 1d)",
        d.getMessage());
    assertTrue(error("[schedule]\ninterval = 1h\njitter = 40m\n", 3).getMessage()
        .contains("jitter must be less than half the interval"));
    assertTrue(error("[upload]\nenabled = maybe\n", 2).getMessage().contains("'maybe' is not true or false"));
    assertTrue(error("[upload]\nenabled = true\n", 2).getMessage().contains("collector is not set"));
    assertTrue(error("[upload]\ncollector = ftp://x\n", 2).getMessage().contains("not an http(s) URL"));
    assertTrue(error("[targets]\nlists = kz, nowhere\n", 2).getMessage().contains("no bundled list 'nowhere'"));
    assertTrue(error("[targets]\nlists = kz\ncategories = NEWS, XXXX\n", 3).getMessage()
        .contains("unknown category 'XXXX'"));
    assertTrue(error("[targets]\nlists =\n", 2).getMessage().contains("nothing to measure"));
    assertTrue(error("[connectivity]\nforeign = dns 1.1.1.1,\n  smtp 1.1.1.1\n", 2).getMessage()
        .contains("unknown anchor kind 'smtp'"));
    assertTrue(error("[connectivity]\nforeign = tls 1.1.1.1\n", 2).getMessage().contains("needs a server name"));
    assertTrue(error("[heartbeat]\ninterval = 500ms\n", 2).getMessage().contains("less than 1s"));
    assertTrue(error("[store]\ndatabase =\n", 2).getMessage().contains("empty value"));
  }

  @Test
  void metricsAreServedOnLoopbackOnly() {
    ConfigException e = error("[metrics]\nlisten = 0.0.0.0:9464\n", 2);
    assertTrue(e.getMessage().contains("0.0.0.0 is not a loopback address"), e.getMessage());
    assertTrue(error("[metrics]\nlisten = 192.168.1.5\n", 2).getMessage().contains("not a loopback address"));
    assertEquals(new InetSocketAddress("::1", 9464), parse("[metrics]\nlisten = [::1]\n").metricsListen());
    assertNull(parse("[metrics]\nlisten = off\n").metricsListen());
  }

  @Test
  void campaignsAreCheckedWhole() {
    assertTrue(error("[campaign]\n", 1).getMessage().contains("needs a name"));
    assertTrue(error("[campaign Election]\nstart = 2026-01-01T00:00Z\n", 1).getMessage()
        .contains("lower-case letters"));
    ConfigException missing = error("\n[campaign e]\nstart = 2026-01-01T00:00Z\ninterval = 15m\n", 2);
    assertTrue(missing.getMessage().contains("missing 'end'"), missing.getMessage());
    assertTrue(error("[campaign e]\nstart = 2026-03-19 06:00\nend = 2026-03-20T00:00Z\ninterval = 15m\n", 2)
        .getMessage().contains("with an offset"));
    assertTrue(error("[campaign e]\nstart = 2026-03-19T06:00Z\nend = 2026-03-19T05:00Z\ninterval = 15m\n", 3)
        .getMessage().contains("ends before it starts"));
    assertTrue(error("[campaign e]\nstart = 2026-03-19T06:00Z\nend = 2026-03-20T05:00Z\ninterval = 15m\n"
        + "jitter = 10m\n", 5).getMessage().contains("less than half"));
  }

  @Test
  void listsContinueOnIndentedLinesAndCommentsFollowValues() {
    KuzetConfig c = parse("""
        [connectivity]
        foreign = dns 1.1.1.1 example.com,   # Cloudflare
                  # Google, on its own line
                  dns 8.8.8.8 example.com
        [schedule]
        interval = 2h # every two hours
        """);
    assertEquals(List.of(Anchor.parse("dns 1.1.1.1"), Anchor.parse("dns 8.8.8.8")), c.connectivity().foreign());
    assertEquals(Duration.ofHours(2), c.schedule().interval());
  }

  @Test
  void aMissingFileSaysWhereToStart() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/k.conf")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    assertTrue(e.getMessage().contains("kuzet.example.conf"), e.getMessage());
  }

  /**
   * A list file that a run could not read is this line's error when the config loads (not a run failing later):
   * missing, a directory, not UTF-8, no valid target; in [targets] and in a campaign alike.
   */
  @Test
  void aListFileThatCannotBeUsedIsAnErrorOnItsLine(@TempDir Path base) throws Exception {
    Files.write(base.resolve("latin1.txt"), new byte[] {'h', 't', 't', 'p', ':', '/', '/', (byte) 0xe9, '\n'});
    Files.writeString(base.resolve("empty.csv"), "# nothing yet\n");
    Files.createDirectories(base.resolve("adir"));
    java.util.Map<String, String> cases = java.util.Map.of("/nope.csv", "no such file", "adir", "is a directory",
        "latin1.txt", "not UTF-8", "empty.csv", "empty list");
    for (var c : cases.entrySet()) {
      for (String section : List.of("[targets]\n", "[campaign vote]\nstart = 2026-03-19T06:00+05:00\n"
          + "end = 2026-03-20T06:00+05:00\ninterval = 15m\n")) {
        String text = "# the agent's config\n" + section + "files = " + c.getKey() + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("kuzet.conf", text, base));
        int line = (int) text.lines().count();
        assertTrue(e.getMessage().startsWith("kuzet.conf:" + line + ": [" + (section.startsWith("[targets]")
            ? "targets" : "campaign vote") + "] files: "), e.getMessage());
        assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains("give an existing"),
            e.getMessage());
        assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("Input length"),
            e.getMessage());
      }
    }
  }
}
