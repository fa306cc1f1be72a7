package org.kuzet.agent.schedule;

import java.time.Instant;
import java.util.Objects;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.i18n.Messages;

/**
 * One planned run.
 *
 * @param nominal the grid point the run belongs to (regular: a multiple of the interval since the epoch;
 *     campaign: its start plus a multiple of its interval)
 * @param at when it fires: {@code nominal} moved by the random jitter, never before the time it was planned
 * @param campaign the campaign whose dense schedule this slot belongs to, or null for a regular run
 */
public record Slot(Instant nominal, Instant at, Campaign campaign) {
  public Slot {
    Objects.requireNonNull(nominal, "nominal");
    Objects.requireNonNull(at, "at");
  }

  public boolean isCampaign() {
    return campaign != null;
  }

  /** "regular run" or "campaign NAME run", for logs. */
  public String describe() {
    return describe(Messages.english());
  }

  /** As {@link #describe()}, in {@code m}'s language (the service's log, {@code kuzet status}). */
  public String describe(Messages m) {
    return campaign == null ? m.get("service.slot.regular") : m.get("service.slot.campaign", campaign.name());
  }
}
