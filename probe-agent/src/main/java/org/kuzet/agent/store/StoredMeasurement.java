package org.kuzet.agent.store;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code measurements}: the columns analysts filter on, and the full measurement JSON (null when
 * the query did not ask for it).
 *
 * @param blocking OONI's {@code blocking}: "false", a method ("dns", "tcp_ip", "http-failure", "http-diff") or null
 */
public record StoredMeasurement(
    long id,
    String uid,
    Long runId,
    String input,
    String targetList,
    String categoryCode,
    Instant startTime,
    double runtime,
    String probeAsn,
    String probeCc,
    String verdict,
    String blocking,
    Boolean accessible,
    List<String> signals,
    String uploadState,
    int uploadAttempts,
    String uploadError,
    String measurementJson) {}
