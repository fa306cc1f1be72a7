package org.kuzet.agent.store;

import java.time.Instant;
import org.kuzet.core.connectivity.NetworkState;

/**
 * One row of {@code runs}. {@code endedAt} is null while the run goes on, or when the process died during it.
 * {@code probeAsn}/{@code probeCc} and the network names are null until a measurement of the run said which
 * network it was on (names: empty when the lookup did not find one; null for runs stored before kuzet named
 * networks). {@code failure} says why the run could not be carried out (e.g. its target list is missing); null when
 * it did not fail.
 */
public record RunRecord(
    long id,
    Instant startedAt,
    Instant endedAt,
    Trigger trigger,
    String campaign,
    String softwareVersion,
    String probeAsn,
    String probeCc,
    String probeNetworkName,
    String resolverAsn,
    String resolverNetworkName,
    NetworkState connectivity,
    long measurementCount,
    long blockedCount,
    String failure) {

  public boolean failed() {
    return failure != null;
  }
}
