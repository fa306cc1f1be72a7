package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.i18n.Language;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/**
 * The service loop on a fake clock: the waiter moves time forward instead of sleeping, the network's state is a
 * function of time, and the executor is a fake that "measures" by advancing the clock.
 */
class AgentServiceTest {
  private static final Instant DAY = Instant.parse("2026-03-19T00:00:00Z");
  private static final String CONFIG = """
      [schedule]
      interval = 6h
      jitter = 0
      [campaign election]
      start = 2026-03-19T10:00Z
      end = 2026-03-19T11:00Z
      interval = 15m
      jitter = 0
      lists = control
      """;

  private final TickingClock clock = TickingClock.at(DAY.plusSeconds(30));
  private final List<Instant> checks = new ArrayList<>();
  private final List<RunRequest> runs = new ArrayList<>();
  private final StringWriter log = new StringWriter();
  private Function<Instant, NetworkState> network = t -> NetworkState.ONLINE;
  private Predicate<Instant> stopAt = t -> false;
  private Function<Instant, ConsentGate.State> consent = t -> ConsentGate.State.given(false);
  private AgentService service;
  private Messages messages = Messages.english();

  private static Instant at(String hhmm) {
    return DAY.plus(Duration.between(java.time.LocalTime.MIN, java.time.LocalTime.parse(hhmm)));
  }

  private ConnectivityCheck check() {
    Instant now = clock.instant();
    checks.add(now);
    NetworkState s = network.apply(now);
    return new ConnectivityCheck(s, now, s == NetworkState.NO_LOCAL_NETWORK ? LocalNetwork.Link.down("unplugged")
        : LocalNetwork.Link.up("test"), List.of(), List.of());
  }

  private AgentService service(String config, RunExecutor executor, Waiter waiter) {
    KuzetConfig c = ConfigLoader.parse("test.conf", config, Path.of("/tmp"));
    service = AgentService.builder().clock(clock).config(ConfigSource.fixed(c)).connectivity(this::check)
        .consent(() -> consent.apply(clock.instant()))
        .executor(executor).waiter(waiter).random(new Random(1)).log(new PrintWriter(log))
        .messages(messages).build();
    return service;
  }

  /** Moves the fake clock to {@code until} (the service asked to sleep till then) unless it is time to stop. */
  private Waiter fastForward() {
    return (until, stop) -> {
      if (stopAt.test(until)) {
        service.stop();
      } else {
        clock.set(until);
      }
    };
  }

  /** A run that takes {@code took} and returns at once. */
  private RunExecutor taking(Duration took) {
    return r -> {
      runs.add(r);
      clock.advance(took);
      return new RunOutcome(1, 0, false);
    };
  }

  @Test
  void runsAtSlotsAndTheHeartbeatTightensDuringACampaign() throws Exception {
    stopAt = t -> t.isAfter(at("12:30"));
    service(CONFIG, taking(Duration.ofMinutes(2)), fastForward()).run();

    assertEquals(List.of(at("06:00"), at("10:00"), at("10:15"), at("10:30"), at("10:45"), at("12:00")),
        runs.stream().map(r -> r.startedAt()).toList(), "no two runs at once, none replayed");
    assertNull(runs.get(0).campaign());
    assertEquals("election", runs.get(1).campaign());
    assertEquals(List.of("control"), runs.get(1).targets().lists(), "the campaign's own list");
    assertEquals(List.of("kz"), runs.get(0).targets().lists());

    // Between runs: one check a minute outside the campaign, every 15 s inside it; plus one before each run.
    assertEquals(Duration.ofSeconds(60), Duration.between(checks.get(0), checks.get(1)));
    List<Duration> gapsInCampaign = new ArrayList<>();
    for (int i = 1; i < checks.size(); i++) {
      if (!checks.get(i - 1).isBefore(at("10:02")) && checks.get(i).isBefore(at("10:15"))) {
        gapsInCampaign.add(Duration.between(checks.get(i - 1), checks.get(i)));
      }
    }
    assertFalse(gapsInCampaign.isEmpty());
    assertTrue(gapsInCampaign.stream().allMatch(d -> d.equals(Duration.ofSeconds(15))), gapsInCampaign.toString());
    for (RunRequest r : runs) {
      assertTrue(checks.contains(r.startedAt()), "a check right before the run at " + r.startedAt());
    }
  }

  @Test
  void aRunDuringAShutdownKnowsItAndItsMeasurementsAreOffline() throws Exception {
    network = t -> t.isBefore(at("05:30")) ? NetworkState.ONLINE : NetworkState.DOMESTIC_ONLY;
    stopAt = t -> t.isAfter(at("06:10"));
    List<Measurement> stored = new ArrayList<>();
    service(CONFIG, r -> {
      runs.add(r);
      stored.add(r.finish(TestMeasurements.of("https://a.kz/", clock.instant(), Verdict.BLOCKED,
          List.of(Signal.TCP_TIMEOUT))));
      return new RunOutcome(1, 0, false);
    }, fastForward()).run();
    assertEquals(NetworkState.DOMESTIC_ONLY, runs.get(0).network());
    Measurement m = stored.get(0);
    assertEquals(Verdict.OFFLINE, m.testKeys().xVerdict());
    assertEquals(List.of(), m.testKeys().xSignals(), "no blocking signals while offline");
    assertNull(m.testKeys().blocking());
    assertEquals(1, m.testKeys().tcpConnect().size(), "the observations are kept as evidence");
  }

  @Test
  void aShutdownBeginningMidRunMakesTheLaterMeasurementsOffline() throws Exception {
    network = t -> t.isBefore(at("06:03")) ? NetworkState.ONLINE : NetworkState.OFFLINE;
    stopAt = t -> t.isAfter(at("06:30"));
    List<Measurement> stored = new ArrayList<>();
    service(CONFIG, r -> {
      runs.add(r);
      for (int i = 0; i < 10; i++) {
        Instant start = clock.instant();
        clock.advance(Duration.ofSeconds(30)); // each measurement takes 30 s
        stored.add(r.finish(TestMeasurements.of("https://s" + i + ".kz/", start, Verdict.BLOCKED,
            List.of(Signal.TCP_RESET))));
      }
      return new RunOutcome(10, 0, false);
    }, fastForward()).run();
    assertEquals(NetworkState.ONLINE, runs.get(0).network());
    List<Verdict> verdicts = stored.stream().map(m -> m.testKeys().xVerdict()).toList();
    // Heartbeat at 06:00 (before the run), then due again at 06:01 and 06:02 (online), 06:03 (offline).
    assertEquals(List.of(Verdict.BLOCKED, Verdict.BLOCKED, Verdict.BLOCKED, Verdict.BLOCKED, Verdict.BLOCKED,
        Verdict.OFFLINE, Verdict.OFFLINE, Verdict.OFFLINE, Verdict.OFFLINE, Verdict.OFFLINE), verdicts);
  }

  @Test
  void aMeasurementThatOverlappedAnOutageThatHasEndedIsStillOffline() throws Exception {
    network = t -> t.isBefore(at("06:01")) || !t.isBefore(at("06:04")) ? NetworkState.ONLINE
        : NetworkState.OFFLINE;
    stopAt = t -> t.isAfter(at("06:30"));
    List<Measurement> stored = new ArrayList<>();
    service(CONFIG, r -> {
      runs.add(r);
      Instant slowStart = clock.instant();
      clock.advance(Duration.ofSeconds(90));
      // A quick measurement finishes at 06:01:30: the heartbeat is due, the check finds the outage.
      stored.add(r.finish(TestMeasurements.of("https://quick.kz/", at("06:01"), Verdict.BLOCKED, List.of())));
      clock.advance(Duration.ofSeconds(210));
      // The slow one, begun at 06:00, ends at 06:05 when the network is back: it overlapped the outage.
      stored.add(r.finish(TestMeasurements.of("https://slow.kz/", slowStart, Verdict.BLOCKED, List.of())));
      // One begun after the outage ended is judged normally.
      clock.advance(Duration.ofSeconds(30));
      stored.add(r.finish(TestMeasurements.of("https://after.kz/", at("06:05"), Verdict.BLOCKED, List.of())));
      return new RunOutcome(3, 0, false);
    }, fastForward()).run();
    assertEquals(List.of(Verdict.OFFLINE, Verdict.OFFLINE, Verdict.BLOCKED),
        stored.stream().map(m -> m.testKeys().xVerdict()).toList());
  }

  @Test
  void missedSlotsAfterSleepAreNotReplayed() throws Exception {
    AtomicReference<Boolean> slept = new AtomicReference<>(false);
    service(CONFIG, taking(Duration.ofMinutes(1)), (until, stop) -> {
      if (!slept.get() && clock.instant().isAfter(at("05:00"))) {
        slept.set(true);
        clock.set(at("19:07")); // the laptop lid was closed from 05:00 to 19:07
        return;
      }
      if (until.isAfter(DAY.plus(Duration.ofHours(24)).plusSeconds(300))) {
        service.stop();
      } else {
        clock.set(until);
      }
    }).run();
    assertEquals(List.of(DAY.plus(Duration.ofDays(1))), runs.stream().map(RunRequest::startedAt).toList(),
        "06:00, the whole campaign, 12:00 and 18:00 were missed; the next run is the next slot");
    assertTrue(log.toString().contains("missed 1 planned run(s) while asleep or stopped; not replayed"), log.toString());
  }

  @Test
  void stopDuringARunEndsItCleanlyAndStartsNothingMore() throws Exception {
    List<String> measured = new ArrayList<>();
    service(CONFIG, r -> {
      runs.add(r);
      for (int i = 0; i < 5; i++) {
        if (r.stopRequested()) {
          return new RunOutcome(measured.size(), 0, true);
        }
        measured.add("s" + i);
        clock.advance(Duration.ofSeconds(10));
        if (i == 1) {
          service.stop(); // SIGTERM arrives while s1 is in flight: it finishes, s2.. never start
        }
      }
      return new RunOutcome(measured.size(), 0, false);
    }, fastForward()).run();
    assertEquals(List.of("s0", "s1"), measured);
    assertEquals(1, runs.size());
    assertEquals(1.0, service.metrics().registry().get("kuzet.runs").tag("outcome", "stopped").counter().count());
    assertTrue(service.awaitStopped(Duration.ZERO));
    assertTrue(log.toString().contains("stopped"), log.toString());
  }

  @Test
  void aFailingRunIsLoggedAndTheServiceCarriesOn() throws Exception {
    stopAt = t -> t.isAfter(at("18:30"));
    int[] calls = {0};
    service("[schedule]\ninterval = 6h\njitter = 0\n", r -> {
      runs.add(r);
      if (calls[0]++ == 0) {
        throw new RunFailedException("target list /etc/kuzet/extra.csv: no such file", "target_list_missing");
      }
      if (calls[0] == 2) {
        throw new IllegalStateException("a bug's own words");
      }
      return new RunOutcome(0, 0, false);
    }, fastForward()).run();
    assertEquals(3, runs.size());
    assertTrue(log.toString().contains("regular run failed: target list /etc/kuzet/extra.csv: no such file;"),
        log.toString());
    assertTrue(log.toString().contains("regular run failed: a bug's own words;"), log.toString());
    assertTrue(!log.toString().contains("Exception"), "no Java class name in the log: " + log);
    assertEquals(2.0, service.metrics().registry().get("kuzet.runs").tag("outcome", "failed").counter().count());
    assertEquals(1.0, service.metrics().registry().get("kuzet.runs.failed").tag("reason", "target_list_missing")
        .counter().count());
    assertEquals(1.0, service.metrics().registry().get("kuzet.runs.failed").tag("reason", "internal").counter()
        .count());
    assertTrue(service.metrics().scrape().contains("kuzet_runs_failed_total{kind=\"regular\",reason=\"target_list_missing\"} 1.0"),
        service.metrics().scrape());
  }

  @Test
  void aConfigChangeReachesTheRunningService() throws Exception {
    KuzetConfig before = ConfigLoader.parse("t", "[schedule]\ninterval = 6h\njitter = 0\n", Path.of("/tmp"));
    KuzetConfig after = ConfigLoader.parse("t", CONFIG, Path.of("/tmp"));
    AtomicReference<KuzetConfig> current = new AtomicReference<>(before);
    stopAt = t -> t.isAfter(at("10:20"));
    service = AgentService.builder().clock(clock).config(current::get).connectivity(this::check)
        .consent(() -> consent.apply(clock.instant()))
        .executor(r -> {
          runs.add(r);
          current.set(after); // 'kuzet campaign add' while the 06:00 run goes on
          return new RunOutcome(0, 0, false);
        }).waiter(fastForward()).random(new Random(1)).log(new PrintWriter(log)).build();
    service.run();
    assertEquals(List.of(at("06:00"), at("10:00"), at("10:15")), runs.stream().map(RunRequest::startedAt).toList());
  }

  @Test
  void theLogSpeaksTheLanguageOfTheServicesLocaleAndKeepsTimesCountsAndStates() throws Exception {
    messages = Messages.of(Language.fromEnvironment(java.util.Map.of("LANG", "ru_RU.UTF-8")));
    network = t -> t.isBefore(at("06:30")) ? NetworkState.ONLINE : NetworkState.OFFLINE;
    stopAt = t -> t.isAfter(at("10:20"));
    service(CONFIG, taking(Duration.ofMinutes(2)), fastForward()).run();

    String out = log.toString();
    assertTrue(out.startsWith("2026-03-19T00:00:30Z kuzet service: запущена; отправка выключена, кампании: election\n"),
        out);
    assertTrue(out.contains("Z kuzet service: следующий плановый запуск в 2026-03-19T06:00:00Z\n"), out);
    assertTrue(out.contains("Z kuzet service: плановый запуск завершён: измерено 1, не удалось 0, за 2m\n"), out);
    assertTrue(out.contains("Z kuzet service: сеть offline (до этого online в течение "), "states stay English: " + out);
    assertTrue(out.contains("Z kuzet service: запуск кампании election начат (сеть offline)\n"), out);
    assertTrue(out.strip().endsWith("kuzet service: остановлена"), out);
  }

  @Test
  void withoutConsentNoRunAndNoCheckHappenUntilItIsGivenAgain() throws Exception {
    ConsentGate.State withdrawn = ConsentGate.State.refused("consent withdrawn or none recorded");
    consent = t -> !t.isBefore(at("07:00")) && t.isBefore(at("15:00")) ? withdrawn : ConsentGate.State.given(true);
    stopAt = t -> t.isAfter(at("20:00"));
    service("[schedule]\ninterval = 6h\njitter = 0\n", taking(Duration.ofMinutes(2)), fastForward()).run();

    assertEquals(List.of(at("06:00"), at("18:00")), runs.stream().map(RunRequest::startedAt).toList(),
        "the 12:00 run is skipped while consent is withdrawn");
    assertTrue(checks.stream().noneMatch(t -> !t.isBefore(at("07:00")) && t.isBefore(at("15:00"))),
        "no connectivity check while idle: " + checks);
    assertTrue(checks.stream().anyMatch(t -> !t.isBefore(at("15:00")) && t.isBefore(at("15:02"))),
        "watching resumes at once when consent is given again: " + checks);
    String out = log.toString();
    assertTrue(out.contains("idle: consent withdrawn or none recorded; no measurement, connectivity check or upload"),
        out);
    assertTrue(out.contains("regular run skipped: consent withdrawn or none recorded"), out);
    assertTrue(out.contains("consent given again; measuring resumes"), out);
    assertEquals(1.0, service.metrics().registry().get("kuzet.runs.skipped").counter().count());
  }

  @Test
  void withdrawingConsentDuringARunStartsNoFurtherMeasurement() throws Exception {
    List<String> measured = new ArrayList<>();
    AtomicReference<ConsentGate.State> now = new AtomicReference<>(ConsentGate.State.given(false));
    consent = t -> now.get();
    stopAt = t -> t.isAfter(at("07:00"));
    service(CONFIG, r -> {
      runs.add(r);
      for (int i = 0; i < 5; i++) {
        if (r.stopRequested()) {
          return new RunOutcome(measured.size(), 0, true);
        }
        measured.add("s" + i);
        if (i == 1) {
          now.set(ConsentGate.State.refused("consent withdrawn or none recorded")); // while s1 is in flight
        }
      }
      return new RunOutcome(measured.size(), 0, false);
    }, fastForward()).run();
    assertEquals(List.of("s0", "s1"), measured);
    assertEquals(1, runs.size());
    assertTrue(log.toString().contains("regular run stopped (consent withdrawn or none recorded): 2 measured"),
        log.toString());
  }
}
