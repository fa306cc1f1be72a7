package org.kuzet.core.step;

import org.kuzet.core.net.IpLiterals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.TcpConnect;

/** TCP connect to one endpoint, recorded with its own failure. */
public final class TcpStep {
  private final Duration timeout;
  private final StepClock clock;
  private final ProbeEventListener listener;
  private final NetworkEventLog events;

  public TcpStep(Duration timeout, StepClock clock, ProbeEventListener listener) {
    this(timeout, clock, listener, NetworkEventLog.discarding());
  }

  /** A step that also records each attempt as a df-008 {@code connect} event in {@code events}. */
  public TcpStep(Duration timeout, StepClock clock, ProbeEventListener listener, NetworkEventLog events) {
    this.timeout = timeout;
    this.clock = clock;
    this.listener = listener;
    this.events = events;
  }

  /** The observation, and the connected socket when it succeeded (the caller owns and closes it). */
  public record Result(TcpConnect connect, Socket socket) {}

  public Result connect(InetSocketAddress endpoint) {
    String ip = IpLiterals.text(endpoint.getAddress());
    listener.tcpStart(Endpoints.format(ip, endpoint.getPort()));
    double t0 = clock.now();
    Socket socket = new Socket();
    try {
      socket.connect(endpoint, (int) timeout.toMillis());
      return end(new TcpConnect(ip, endpoint.getPort(), new TcpConnect.Status(true, null, null), t0, clock.now()),
          socket);
    } catch (IOException e) {
      closeQuietly(socket);
      String failure = FailureClassifier.classify(e);
      return end(new TcpConnect(ip, endpoint.getPort(), new TcpConnect.Status(false, failure, null), t0,
          clock.now()), null);
    }
  }

  /**
   * The same connect on the process's one connect selector ({@link TcpConnects}): no thread waits while it does, a
   * blackholed address costs a socket and a timer until its timeout. Records exactly what {@link #connect} records;
   * the connected socket (in blocking mode, the caller owns and closes it) goes on to TLS as any other. The future
   * never fails: network failures are in the record.
   */
  public java.util.concurrent.CompletableFuture<Result> connectAsync(InetSocketAddress endpoint) {
    String ip = IpLiterals.text(endpoint.getAddress());
    listener.tcpStart(Endpoints.format(ip, endpoint.getPort()));
    double t0 = clock.now();
    java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> connecting;
    try {
      connecting = TcpConnects.shared().connect(endpoint, timeout);
    } catch (IOException e) {
      connecting = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    return connecting.handle((channel, error) -> {
      if (channel != null) {
        return end(new TcpConnect(ip, endpoint.getPort(), new TcpConnect.Status(true, null, null), t0, clock.now()),
            channel.socket());
      }
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      return end(new TcpConnect(ip, endpoint.getPort(), new TcpConnect.Status(false, FailureClassifier.classify(cause),
          null), t0, clock.now()), null);
    });
  }

  private Result end(TcpConnect connect, Socket socket) {
    events.add(NetworkEvent.of("connect", connect.endpoint(), "tcp", null, connect.status().failure(), connect.t0(),
        connect.t()));
    listener.tcpEnd(connect);
    return new Result(connect, socket);
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing was measured on this socket after the failure; there is nothing left to record.
    }
  }
}
