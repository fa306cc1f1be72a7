/**
 * A censored network on loopback, for tests that must not touch the internet (DESIGN.md, "Testing without the
 * internet"). The kuzet-testing module, in main scope, so every module's tests and bench build their worlds the
 * same way; {@link org.kuzet.core.testing.world.ScenarioWorld} puts it together for one scenario.
 *
 * <p>Every actor gets its own 127.0.x.y address from {@link org.kuzet.core.testing.LoopbackAddresses}, so a
 * DNS answer alone decides where the probe goes, as in a real censored network:
 * <ul>
 *   <li>{@link org.kuzet.core.testing.FakeDnsServer} (UDP+TCP) and {@link org.kuzet.core.testing.FakeDohServer}
 *       answer from a shared {@link org.kuzet.core.testing.DnsZone}: answers, CNAMEs, NXDOMAIN, SERVFAIL,
 *       REFUSED, empty answers, silence and injected UDP lies;</li>
 *   <li>sites are MockWebServers started by {@link org.kuzet.core.testing.TlsSites}, with certificates from
 *       {@link org.kuzet.core.testing.TestPki} (the trusted root, plus expired / wrong-host / untrusted
 *       variants) or forged by {@link org.kuzet.core.testing.InterceptionCa};</li>
 *   <li>middleboxes are a {@link org.kuzet.core.testing.FaultServer} (resets, EOFs, stalls, before or after
 *       TLS) or a {@link org.kuzet.core.testing.Blackhole} (connect timeout).</li>
 * </ul>
 *
 * <pre>{@code
 * TestPki pki = new TestPki();
 * try (FakeDnsServer dns = new FakeDnsServer();
 *      FaultServer dpi = new FaultServer().start(FaultServer.Fault.STALL_AFTER_FIRST_BYTES);
 *      MockWebServer site = TlsSites.https(pki.serverCertificate("open.kz"))) {
 *   dns.answer("open.kz", site.getSocketAddress().getAddress().getHostAddress())
 *      .answer("blocked.kz", dpi.address().getAddress().getHostAddress());
 *   // run the probe with resolver dns.address() and trust root pki.rootCertificate()
 * }
 * }</pre>
 *
 * <p>Servers listen on ephemeral ports, not 80/443: the probe under test must be told the port (a URL with an
 * explicit port) rather than assume the default. Everything is closeable and every harness thread is a daemon
 * named "kuzet-harness …"; closing a server joins its threads.
 */
package org.kuzet.core.testing;
