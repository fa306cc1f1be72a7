package org.kuzet.agent.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.Schedule;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;

/** The scheduler is pure: these tests are the fake clock, handing it instants. */
class SchedulerTest {
  private static final Instant DAY = Instant.parse("2026-03-19T00:00:00Z");
  private static final Schedule SIX_HOURS = new Schedule(Duration.ofHours(6), Duration.ZERO);
  private static final Duration RUN = Duration.ofMinutes(3);

  private static Instant at(String hhmm) {
    return DAY.plus(Duration.between(java.time.LocalTime.MIN, java.time.LocalTime.parse(hhmm)));
  }

  private static Campaign campaign(String name, String start, String end, Duration every, Duration jitter) {
    return new Campaign(name, at(start), at(end), every, jitter, new TargetSelection(List.of(), List.of(), List.of()));
  }

  /** Runs every slot as it comes due, each taking {@link #RUN}, from {@code from} until {@code until}. */
  private static List<Slot> simulate(Scheduler s, Instant from, Instant until) {
    List<Slot> ran = new ArrayList<>();
    Instant now = from;
    while (true) {
      Slot slot = s.next(now);
      if (!slot.at().isBefore(until)) {
        return ran;
      }
      now = slot.at(); // the service sleeps until the slot
      assertTrue(Scheduler.isDue(slot, now));
      ran.add(slot);
      s.ran(slot);
      now = now.plus(RUN);
    }
  }

  private static List<Instant> nominals(List<Slot> slots) {
    return slots.stream().map(Slot::nominal).toList();
  }

  @Test
  void regularSlotsLieOnTheGridWithJitterWithinBounds() {
    Duration jitter = Duration.ofMinutes(30);
    Scheduler s = new Scheduler(new Schedule(Duration.ofHours(6), jitter), List.of(), new Random(7));
    List<Slot> ran = simulate(s, DAY.plusSeconds(1), DAY.plus(Duration.ofDays(50)));
    assertEquals(200, ran.size(), "one run per slot, none lost, none doubled");
    Set<Long> offsets = new HashSet<>();
    for (int i = 0; i < ran.size(); i++) {
      Slot slot = ran.get(i);
      assertEquals(DAY.plus(Duration.ofHours(6L * (i + 1))), slot.nominal());
      Duration offset = Duration.between(slot.nominal(), slot.at());
      assertTrue(offset.abs().compareTo(jitter) <= 0, "offset " + offset + " beyond ±" + jitter);
      offsets.add(offset.toMinutes());
      assertNull(slot.campaign());
    }
    assertTrue(offsets.size() > 20, "the offsets are random, not one fixed shift: " + offsets);
    assertTrue(offsets.stream().anyMatch(o -> o < 0) && offsets.stream().anyMatch(o -> o > 0));
    assertEquals(0, s.skipped());
  }

  @Test
  void withoutJitterRunsAreExactlyOnTheGrid() {
    Scheduler s = new Scheduler(SIX_HOURS, List.of(), new Random(1));
    List<Slot> ran = simulate(s, at("01:00"), DAY.plus(Duration.ofDays(1)));
    assertEquals(List.of(at("06:00"), at("12:00"), at("18:00")), ran.stream().map(Slot::at).toList());
  }

  @Test
  void aCampaignSwitchesToItsDenseIntervalInsideItsWindowOnly() {
    Campaign election = campaign("election", "10:00", "11:00", Duration.ofMinutes(15), Duration.ZERO);
    Scheduler s = new Scheduler(SIX_HOURS, List.of(election), new Random(1));
    List<Slot> ran = simulate(s, at("00:30"), at("23:59"));
    assertEquals(List.of(at("06:00"), at("10:00"), at("10:15"), at("10:30"), at("10:45"), at("12:00"), at("18:00")),
        nominals(ran));
    assertEquals(List.of(false, true, true, true, true, false, false),
        ran.stream().map(Slot::isCampaign).toList());
    assertEquals("election", ran.get(1).campaign().name());
    assertEquals(election, s.campaignAt(at("10:59")));
    assertNull(s.campaignAt(at("11:00")), "the end is exclusive");
  }

  @Test
  void regularGridPointsInsideACampaignAreDropped() {
    Campaign day = campaign("protest", "05:00", "13:00", Duration.ofHours(1), Duration.ZERO);
    Scheduler s = new Scheduler(SIX_HOURS, List.of(day), new Random(1));
    List<Slot> ran = simulate(s, at("00:30"), at("19:00"));
    assertEquals(9, ran.size());
    assertTrue(ran.subList(0, 8).stream().allMatch(Slot::isCampaign), "06:00 and 12:00 belong to the campaign");
    assertEquals(List.of(at("05:00"), at("12:00"), at("18:00")),
        List.of(ran.get(0).nominal(), ran.get(7).nominal(), ran.get(8).nominal()));
    assertFalse(ran.get(8).isCampaign(), "after the window the regular grid resumes");
  }

  @Test
  void missedSlotsAreNotReplayedAfterSleep() {
    Scheduler s = new Scheduler(SIX_HOURS, List.of(), new Random(1));
    assertEquals(at("06:00"), s.next(at("01:00")).at());
    // The laptop sleeps from 01:00 to 20:07: 06:00, 12:00 and 18:00 pass unseen.
    Slot next = s.next(at("20:07"));
    assertEquals(DAY.plus(Duration.ofDays(1)), next.at(), "the next slot, no burst of three catch-up runs");
    assertFalse(Scheduler.isDue(next, at("20:07")));
    assertEquals(1, s.skipped(), "the planned slot was given up");
  }

  @Test
  void aSlotCanStillStartALittleLate() {
    Scheduler s = new Scheduler(SIX_HOURS, List.of(), new Random(1));
    Slot planned = s.next(at("05:00"));
    // The loop woke 30 s late (a busy machine): still the same slot, run now.
    assertEquals(planned, s.next(at("06:00").plusSeconds(30)));
    assertEquals(0, s.skipped());
  }

  @Test
  void aCampaignStillGetsItsDenseRunsAfterTheMachineWakes() {
    Campaign election = campaign("election", "10:00", "12:00", Duration.ofMinutes(15), Duration.ZERO);
    Scheduler s = new Scheduler(SIX_HOURS, List.of(election), new Random(1));
    assertEquals(at("10:00"), s.next(at("09:00")).at());
    List<Slot> ran = simulate(s, at("10:40"), at("12:30"));
    assertEquals(List.of(at("10:45"), at("11:00"), at("11:15"), at("11:30"), at("11:45"), at("12:00")),
        nominals(ran));
    assertFalse(ran.get(5).isCampaign());
  }

  @Test
  void aRunThatOverrunsItsIntervalIsFollowedByTheNextSlotNotABacklog() {
    Campaign election = campaign("election", "10:00", "12:00", Duration.ofMinutes(15), Duration.ZERO);
    Scheduler s = new Scheduler(SIX_HOURS, List.of(election), new Random(1));
    Slot first = s.next(at("09:59"));
    s.ran(first);
    // The run took 40 minutes (a slow network); 10:15 and 10:30 were never started.
    assertEquals(at("10:45"), s.next(at("10:40")).at());
  }

  /** Always draws the earliest offset the jitter allows. */
  private static final java.util.random.RandomGenerator EARLIEST = new java.util.random.RandomGenerator() {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public long nextLong(long origin, long bound) {
      return origin;
    }
  };

  @Test
  void aSlotFiredEarlyByItsJitterDoesNotComeRoundAgain() {
    Scheduler s = new Scheduler(new Schedule(Duration.ofHours(6), Duration.ofMinutes(30)), List.of(), EARLIEST);
    Slot slot = s.next(at("01:00"));
    assertEquals(at("05:30"), slot.at(), "fired half an hour before its grid point");
    s.ran(slot);
    // The run is over at 05:33, before 06:00: the 06:00 slot has been used and is not planned again.
    assertEquals(at("12:00"), s.next(at("05:33")).nominal());
    assertEquals(at("11:30"), s.next(at("05:33")).at());
  }

  @Test
  void aSlotJitteredBeforeNowStartsNowNotInThePast() {
    Scheduler s = new Scheduler(new Schedule(Duration.ofHours(6), Duration.ofMinutes(30)), List.of(), EARLIEST);
    Slot slot = s.next(at("05:50"));
    assertEquals(at("06:00"), slot.nominal());
    assertEquals(at("05:50"), slot.at());
  }

  @Test
  void overlappingCampaignsFollowTheEarlierStartingOne() {
    Campaign a = campaign("a", "10:00", "11:00", Duration.ofMinutes(20), Duration.ZERO);
    Campaign b = campaign("b", "10:30", "12:00", Duration.ofMinutes(10), Duration.ZERO);
    Scheduler s = new Scheduler(SIX_HOURS, List.of(a, b), new Random(1));
    List<Slot> ran = simulate(s, at("09:00"), at("11:25"));
    assertEquals(List.of(at("10:00"), at("10:20"), at("10:40"), at("11:00"), at("11:10"), at("11:20")),
        nominals(ran));
    assertEquals(List.of("a", "a", "a", "b", "b", "b"), ran.stream().map(x -> x.campaign().name()).toList());
  }

  @Test
  void aCampaignAddedWhileRunningTakesEffectAtOnce() {
    Scheduler s = new Scheduler(SIX_HOURS, List.of(), new Random(1));
    assertEquals(at("12:00"), s.next(at("07:00")).at());
    s.update(SIX_HOURS, List.of(campaign("now", "08:00", "09:00", Duration.ofMinutes(30), Duration.ZERO)));
    assertEquals(at("08:00"), s.next(at("07:01")).at());
  }

  @Test
  void latenessIsSmallAndNeverHalfAnInterval() {
    assertEquals(Duration.ofMinutes(2), Scheduler.lateness(Duration.ofHours(6)));
    assertEquals(Duration.ofSeconds(30), Scheduler.lateness(Duration.ofMinutes(1)));
  }
}
