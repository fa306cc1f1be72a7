package org.kuzet.core.step;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.testing.TickingClock;

/**
 * Every TLS case of {@link TlsStepTest} again, over the socket a measurement's connect hands over: connected on the
 * connect selector ({@link TcpConnects}), then back in blocking mode. Same records, same failure strings.
 */
class TlsStepOverSelectorTest extends TlsStepTest {
  @Override
  Socket connect(InetSocketAddress address) throws IOException {
    TcpStep.Result r = new TcpStep(Duration.ofSeconds(5), new StepClock(new TickingClock()), ProbeEventListener.NONE)
        .connectAsync(address).join();
    if (r.socket() == null) {
      throw new IOException("connect failed: " + r.connect().status().failure());
    }
    return r.socket();
  }
}
