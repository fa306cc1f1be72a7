package org.kuzet.agent.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.Schedule;

/**
 * When the next run happens. Pure: it is told the time and reads no clock, so tests drive it with any sequence
 * of instants.
 *
 * <p>Rules:
 * <ul>
 *   <li>Regular slots lie on a grid of {@code interval} since the epoch (UTC), each fired at a uniformly random
 *       offset within ±{@code jitter} of its grid point; volunteers' runs therefore spread out, and a restart
 *       does not shift the grid.</li>
 *   <li>Inside a campaign window the campaign's grid (from its start, every campaign interval, with its own
 *       jitter) replaces the regular one: regular grid points inside any window are dropped.</li>
 *   <li>A slot is never replayed: a slot whose firing time passed more than {@link #lateness} ago (the machine
 *       slept, the service was stopped, the previous run overran) is skipped, and the next run is the next slot
 *       whose grid point is still ahead. Nothing is run "to catch up".</li>
 *   <li>Every slot is used at most once ({@link #ran}), so a slot fired early by its jitter cannot come round
 *       again after its run.</li>
 * </ul>
 * Not thread-safe: one service loop owns it. Never two runs at once is the loop's job (it runs one at a time)
 * and {@link InstanceLock}'s (one service per database).
 */
public final class Scheduler {
  private static final String REGULAR = "";

  private Schedule regular;
  private List<Campaign> campaigns;
  private final RandomGenerator random;
  /** Per grid (regular = "", else campaign name): the last grid point run or skipped. */
  private final Map<String, Instant> used = new HashMap<>();
  private Slot planned;
  private int skipped;

  public Scheduler(Schedule regular, List<Campaign> campaigns, RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    update(regular, campaigns);
  }

  /** Replaces the schedule (the config file changed); the planned slot is drawn again. */
  public void update(Schedule regular, List<Campaign> campaigns) {
    this.regular = Objects.requireNonNull(regular, "regular");
    this.campaigns = List.copyOf(campaigns);
    this.planned = null;
  }

  /**
   * The next run as of {@code now}: the planned slot while it is still due, else a new one. A planned slot whose
   * firing time is more than {@link #lateness} in the past is counted as skipped and replaced.
   */
  public Slot next(Instant now) {
    if (planned != null && now.isAfter(planned.at().plus(lateness(planned)))) {
      skipped++;
      markUsed(planned);
      planned = null;
    }
    if (planned == null) {
      planned = plan(now);
    }
    return planned;
  }

  /** Whether {@code slot} should start at {@code now}. */
  public static boolean isDue(Slot slot, Instant now) {
    return !now.isBefore(slot.at());
  }

  /** Records that {@code slot} ran (or started to); it will not be planned again. */
  public void ran(Slot slot) {
    markUsed(slot);
    if (slot.equals(planned)) {
      planned = null;
    }
  }

  /** Slots given up because they were missed (sleep, stop, a run that overran). */
  public int skipped() {
    return skipped;
  }

  /**
   * How late a slot may still start: a couple of minutes, but never so much that it would crowd the next slot
   * of the same grid. A service that just woke from sleep sees a larger gap and skips the slot.
   */
  public static Duration lateness(Duration interval) {
    Duration half = interval.dividedBy(2);
    Duration grace = Duration.ofMinutes(2);
    return grace.compareTo(half) < 0 ? grace : half;
  }

  private Duration lateness(Slot slot) {
    return lateness(slot.isCampaign() ? slot.campaign().interval() : regular.interval());
  }

  /** The active campaign at {@code t}: the earliest-starting one when windows overlap. */
  public Campaign campaignAt(Instant t) {
    Campaign best = null;
    for (Campaign c : campaigns) {
      if (c.isActiveAt(t) && (best == null || c.start().isBefore(best.start()))) {
        best = c;
      }
    }
    return best;
  }

  private void markUsed(Slot slot) {
    String key = key(slot.campaign());
    Instant before = used.get(key);
    if (before == null || slot.nominal().isAfter(before)) {
      used.put(key, slot.nominal());
    }
  }

  private static String key(Campaign c) {
    return c == null ? REGULAR : c.name();
  }

  private Slot plan(Instant now) {
    List<Slot> candidates = new ArrayList<>();
    Instant g = regularPointAtOrAfter(now);
    // Regular grid points inside a campaign window belong to the campaign; look for the first outside all.
    while (campaignAt(g) != null || !after(REGULAR, g)) {
      Campaign c = campaignAt(g);
      g = c != null ? regularPointAtOrAfter(c.end()) : g.plus(regular.interval());
    }
    candidates.add(fire(g, regular.jitter(), null, now));
    for (Campaign c : campaigns) {
      Instant p = campaignPointAtOrAfter(c, now);
      while (p != null && (!after(c.name(), p) || campaignAt(p) != c)) {
        Campaign other = campaignAt(p);
        // Inside an earlier-starting campaign's window that one rules: jump past it rather than step through it.
        p = other != c ? campaignPointAtOrAfter(c, other.end()) : campaignPointAtOrAfter(c, p.plusMillis(1));
      }
      if (p != null) {
        candidates.add(fire(p, c.jitter(), c, now));
      }
    }
    Slot best = candidates.get(0);
    for (Slot s : candidates) {
      if (s.at().isBefore(best.at()) || s.at().equals(best.at()) && s.isCampaign() && !best.isCampaign()) {
        best = s;
      }
    }
    return best;
  }

  private boolean after(String key, Instant nominal) {
    Instant before = used.get(key);
    return before == null || nominal.isAfter(before);
  }

  private Slot fire(Instant nominal, Duration jitter, Campaign campaign, Instant now) {
    Instant at = nominal;
    if (!jitter.isZero()) {
      long j = jitter.toMillis();
      at = nominal.plusMillis(random.nextLong(-j, j + 1));
    }
    return new Slot(nominal, at.isBefore(now) ? now : at, campaign);
  }

  private Instant regularPointAtOrAfter(Instant t) {
    long step = regular.interval().toMillis();
    long ms = t.toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(ms + step - 1, step) * step);
  }

  /** The campaign's first grid point at or after {@code t} inside its window, or null when it is over. */
  private static Instant campaignPointAtOrAfter(Campaign c, Instant t) {
    if (!t.isAfter(c.start())) {
      return c.start();
    }
    long step = c.interval().toMillis();
    long k = Math.floorDiv(Duration.between(c.start(), t).toMillis() + step - 1, step);
    Instant p = c.start().plusMillis(k * step);
    return p.isBefore(c.end()) ? p : null;
  }
}
