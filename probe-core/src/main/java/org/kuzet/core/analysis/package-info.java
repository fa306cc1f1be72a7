/**
 * Pure analysis: a measurement's observations and its control in, OONI's analysis keys and kuzet's verdict out
 * ({@link org.kuzet.core.analysis.Analysis}). The knowledge it relies on ships as resources beside these classes,
 * with their sources in SOURCE.md: the known TLS interception roots ({@link
 * org.kuzet.core.analysis.InterceptionRoots}) and blockpage fingerprints in OONI's format ({@link
 * org.kuzet.core.analysis.Fingerprints}). No I/O here: {@code core.tls.TrustStoreAudit} reads the machine's own
 * trust stores to look for those roots, so the CLI can warn the volunteer.
 *
 * <p>Data flow: {@code WebConnectivity} records observations, the control client adds the control, {@link
 * org.kuzet.core.analysis.ObservationTable} lays them out as one flat table (a row per DNS answer and per endpoint,
 * with the control's view of each), and {@code Analysis.analyze} (rules as predicates over those rows) fills {@code dns_consistency}, the HTTP comparison keys, {@code blocking}, {@code accessible},
 * {@code x_verdict}, {@code x_signals}, {@code x_interception}, {@code x_blockpage} and {@code x_failed_hop}. Once
 * the run knows the network was down, {@link org.kuzet.core.analysis.OfflineVerdict} (verdict principle 4) replaces
 * the blocking claims with {@code x_verdict: offline}.
 */
package org.kuzet.core.analysis;
